"""Background jobs, the one way to act after a commit: `enqueue("kind", **payload)` writes a job
row in the current transaction (the outbox). Once that transaction commits the job runs: on a
thread of this process by default, on RQ workers when REDIS_URL is set (JOBS_BACKEND=rq; `make
worker`). A failed job is retried with a growing wait; `flask jobs run` runs whatever is due
(after a restart, say). `@job("kind")` marks a handler and the package's `init_app` connects it."""

from flask import Flask

from app.jobs.dispatch import retry_now, wait_idle
from app.jobs.runner import connect, enqueue, job, pending_in_transaction, run_due, run_job

__all__ = [
    "connect",
    "enqueue",
    "init_app",
    "job",
    "pending_in_transaction",
    "retry_now",
    "run_due",
    "run_job",
    "wait_idle",
]


def init_app(app: Flask) -> None:
    from app.jobs import cli, dispatch, models  # noqa: F401  (the table)

    app.extensions.setdefault("jobs", {})
    dispatch.listen()
    app.cli.add_command(cli.jobs_cli)
