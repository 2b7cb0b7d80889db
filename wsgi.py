"""The entry points: `gunicorn wsgi:app`, and `wsgi.perform_job` for RQ workers (`make worker`)."""

import gc

from app import create_app
from app.jobs import rq_backend

app = create_app()


def perform_job(job_id: int) -> None:
    """One background job, run by an RQ worker with the app gunicorn serves."""
    rq_backend.perform(app, job_id)


# What the app builds at start-up (modules, mappers, routes, configuration) lives as
# long as the worker: moved out of the collector's generations, no collection scans it again.
gc.freeze()
