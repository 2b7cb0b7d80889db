"""Handing committed jobs to their backend: a thread of this process, RQ workers, or nobody until
`flask jobs run` ("manual"). Missing a hand-over loses nothing: the rows stay due."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app
from sqlalchemy import event, inspect, or_, update

from app.clock import utcnow
from app.db_types import begin_write
from app.extensions import db
from app.jobs.models import Job, JobState
from app.jobs.runner import run_job

log = logging.getLogger(__name__)


def retry_now(job_id: int) -> bool:
    """A site administrator's "retry": a dead or waiting job, or one whose runner's lease ended
    (stuck), becomes due at once. A job running within its lease is left to its runner."""
    now = utcnow()
    begin_write(db.session)
    changed = db.session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            or_(
                Job.state.in_((JobState.DEAD, JobState.RETRYING)),
                (Job.state == JobState.RUNNING) & (Job.run_after <= now),
            ),
        )
        .values(state=JobState.RETRYING, run_after=now, max_attempts=Job.attempts + 1)
    ).rowcount
    db.session.commit()
    if changed:
        _dispatch(current_app._get_current_object(), [job_id])
    return bool(changed)


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_pending = 0
_idle = threading.Condition()


def _thread_pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="jobs")
        return _executor


def _run_in_thread(app: Flask, job_id: int) -> None:
    global _pending
    try:
        with app.app_context():
            if run_job(job_id) is False:
                _schedule_retry(app, job_id)
    except Exception:
        log.exception("job %s could not run", job_id)
    finally:
        with _idle:
            _pending -= 1
            _idle.notify_all()


def _schedule_retry(app: Flask, job_id: int) -> None:
    """In-process retries: a timer re-submits the job when its wait is over (lost on restart, when
    `flask jobs run` takes over)."""
    current = db.session.get(Job, job_id)
    if current is None or current.state != JobState.RETRYING:
        return
    wait = max((current.run_after - utcnow()).total_seconds(), 0)
    global _pending
    with _idle:
        _pending += 1
    timer = threading.Timer(wait, lambda: _submit(app, job_id, counted=True))
    timer.daemon = True
    timer.start()


def _submit(app: Flask, job_id: int, counted: bool = False) -> None:
    global _pending
    if not counted:
        with _idle:
            _pending += 1
    _thread_pool().submit(_run_in_thread, app, job_id)


def _dispatch(app: Flask, job_ids: list[int]) -> None:
    backend = app.config["JOBS_BACKEND"]
    if backend == "rq":
        from app.jobs.rq_backend import push

        push(app, job_ids)
    elif backend == "thread":
        for job_id in job_ids:
            _submit(app, job_id)
    # "manual": jobs wait for `flask jobs run` (or a test's run_due()).


def wait_idle(timeout: float = 10.0) -> bool:
    """Block until the in-process runner has nothing in flight (for tests and shutdown)."""
    with _idle:
        return _idle.wait_for(lambda: _pending <= 0, timeout)


def _committed(session) -> None:
    """The outbox's wake-up call: jobs written by the committed transaction are handed to the
    backend. Missing it loses nothing (the rows stay due for `flask jobs run`)."""
    new = session.info.pop("new_jobs", None)
    if not new:
        return
    ids = [inspect(j).identity[0] for j in new if inspect(j).identity]
    if ids:
        _dispatch(current_app._get_current_object(), ids)


def _rolled_back(session) -> None:
    session.info.pop("new_jobs", None)


def listen() -> None:
    """Listen for commits of the application's session. The session is shared by every app in
    the process, so the listeners are added only where they are not there yet."""
    for name, listener in (("after_commit", _committed), ("after_rollback", _rolled_back)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
