"""Registering, enqueueing, dispatching and running jobs."""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Callable

from flask import Flask, current_app
from sqlalchemy import event, inspect, select, update

from app import audit
from app.clock import utcnow
from app.db_types import begin_write
from app.extensions import db
from app.jobs.models import Job, JobState

log = logging.getLogger(__name__)
_handlers: dict[str, Callable[[dict], None]] = {}


def job(kind: str) -> Callable:
    """Register `handler(payload: dict)` for jobs of `kind`. A handler raises to ask for a retry."""

    def register(handler: Callable) -> Callable:
        _handlers[kind] = handler
        return handler

    return register


def enqueue(kind: str, *, delay: timedelta | None = None, max_attempts: int | None = None, **payload) -> Job:
    """Add a job to the current transaction; it runs once (and only if) the transaction commits."""
    if kind not in _handlers:
        raise LookupError(f"no job handler for {kind!r}")
    new = Job(
        kind=kind,
        payload=json.dumps(payload, default=str),
        run_after=utcnow() + (delay or timedelta()),
        max_attempts=max_attempts or current_app.config["JOBS_MAX_ATTEMPTS"],
    )
    db.session.add(new)
    db.session.info.setdefault("new_jobs", []).append(new)
    return new


# --------------------------------------------------------------------------- running


def backoff(attempts: int, base: float) -> timedelta:
    """Waits of base, 2·base, 4·base ... capped at an hour."""
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def _claim(job_id: int, now: datetime) -> Job | None:
    """Mark the job running if it is due and nobody else took it (a conditional UPDATE, so two
    runners never run the same job at once)."""
    begin_write(db.session)
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state.in_(JobState.DUE), Job.run_after <= now)
        .values(state=JobState.RUNNING, started_at=now, attempts=Job.attempts + 1)
    ).rowcount
    db.session.commit()
    return db.session.get(Job, job_id) if claimed else None


def run_job(job_id: int, now: datetime | None = None) -> bool | None:
    """Run one job if it is due. True: done; False: failed (retrying or dead); None: not due or taken."""
    now = now or utcnow()
    current = _claim(job_id, now)
    if current is None:
        return None
    handler = _handlers.get(current.kind)
    kind, payload = current.kind, current.payload
    try:
        if handler is None:
            raise LookupError(f"no job handler for {kind!r}")
        handler(json.loads(payload or "{}"))
        db.session.commit()
    except Exception as error:  # noqa: BLE001  (any failure is recorded and retried)
        db.session.rollback()
        # The job's own row is written in a write transaction of its own: on SQLite a read
        # transaction that turns into a write fails at once if another writer got in between.
        begin_write(db.session)
        current = db.session.get(Job, job_id)
        dead = current.attempts >= current.max_attempts
        current.state = JobState.DEAD if dead else JobState.RETRYING
        current.last_error = f"{type(error).__name__}: {error}"[:2000]
        current.run_after = utcnow() + backoff(current.attempts, current_app.config["JOBS_RETRY_SECONDS"])
        db.session.commit()
        audit.event(
            "job.failed",
            level=logging.WARNING,
            job_id=job_id,
            kind=kind,
            attempts=current.attempts,
            dead=dead,
            error=current.last_error,
        )
        return False
    begin_write(db.session)
    db.session.execute(
        update(Job).where(Job.id == job_id).values(state=JobState.DONE, finished_at=utcnow(), last_error="")
    )
    db.session.commit()
    return True


def run_due(now: datetime | None = None, limit: int = 500) -> tuple[int, int]:
    """Run every due job once, oldest first; returns (done, failed)."""
    now = now or utcnow()
    ids = list(
        db.session.scalars(
            select(Job.id)
            .where(Job.state.in_(JobState.DUE), Job.run_after <= now)
            .order_by(Job.run_after, Job.id)
            .limit(limit)
        )
    )
    db.session.commit()
    done = failed = 0
    for job_id in ids:
        outcome = run_job(job_id, now)
        done += outcome is True
        failed += outcome is False
    return done, failed


def retry_now(job_id: int) -> bool:
    """A site administrator's "retry": a dead or waiting job becomes due at once."""
    begin_write(db.session)
    changed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state.in_((JobState.DEAD, JobState.RETRYING)))
        .values(state=JobState.RETRYING, run_after=utcnow(), max_attempts=Job.attempts + 1)
    ).rowcount
    db.session.commit()
    if changed:
        _dispatch(current_app._get_current_object(), [job_id])
    return bool(changed)


# --------------------------------------------------------------------------- dispatching

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
    except Exception:  # noqa: BLE001  (the row keeps the state; `flask jobs run` picks it up)
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


_registered = False


def register(app: Flask) -> None:
    """Listen for commits of the application's session (once per process: the session is shared)."""
    global _registered
    if _registered:
        return
    _registered = True
    session = db.session

    @event.listens_for(session, "after_commit")
    def _committed(sess):
        new = sess.info.pop("new_jobs", None)
        if not new:
            return
        ids = [inspect(j).identity[0] for j in new if inspect(j).identity]
        if ids:
            _dispatch(current_app._get_current_object(), ids)

    @event.listens_for(session, "after_rollback")
    def _rolled_back(sess):
        sess.info.pop("new_jobs", None)
