"""Background jobs: `@job("kind")` registers a handler, `enqueue("kind", **payload)` writes a job
row in the current transaction. Once that transaction commits the job runs: on a thread of this
process by default, on RQ workers when REDIS_URL is set (JOBS_BACKEND=rq; `make worker`). A failed
job is retried with a growing wait; `flask jobs run` runs whatever is due (after a restart, say)."""

from app.jobs.runner import enqueue, job, run_due, run_job, wait_idle  # noqa: F401
