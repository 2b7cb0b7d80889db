"""Jobs on RQ workers (JOBS_BACKEND=rq with REDIS_URL): Redis carries only job ids; the row in the
database stays the record of what ran, failed and is due. Workers (`make worker`) import the entry
point beside the WSGI app, `wsgi.perform_job`, so they run jobs with the app gunicorn serves."""

from __future__ import annotations

from flask import Flask

from app.jobs.runner import run_job

QUEUE = "ideaforge"
ENTRY_POINT = "wsgi.perform_job"
_bound: Flask | None = None


def _queue(redis_url: str):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(redis_url))


def push(app: Flask, job_ids: list[int]) -> None:
    from rq import Retry

    queue = _queue(app.config["REDIS_URL"])
    base = app.config["JOBS_RETRY_SECONDS"]
    for job_id in job_ids:
        queue.enqueue(
            ENTRY_POINT,
            job_id,
            retry=Retry(max=app.config["JOBS_MAX_ATTEMPTS"] - 1, interval=[int(base * 2**i) for i in range(6)]),
        )


def bind(app: Flask | None) -> None:
    """Run jobs with this app instead of the entry point's (tests run a worker in process)."""
    global _bound
    _bound = app


def perform(app: Flask, job_id: int) -> None:
    """Runs on the worker: raises when the job failed, so RQ schedules its retry."""
    with (_bound or app).app_context():
        if run_job(job_id) is False:
            raise RuntimeError(f"job {job_id} failed; see its row for the error")
