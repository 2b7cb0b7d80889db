"""Registering, enqueueing, dispatching and running jobs."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from inspect import isfunction
from types import ModuleType

from flask import Flask, current_app
from sqlalchemy import select, update

from app import audit, logs
from app.clock import utcnow
from app.db_types import begin_write
from app.extensions import db
from app.jobs.models import Job, JobState

log = logging.getLogger(__name__)
_MARK = "_job_kind"


def job(kind: str) -> Callable:
    """Mark `handler(payload: dict)` as the handler of jobs of `kind` (a handler raises to ask for a
    retry); the package's `init_app` connects it with `connect(app, module)`."""

    def mark(handler: Callable) -> Callable:
        setattr(handler, _MARK, kind)
        return handler

    return mark


def connect(app: Flask, *modules: ModuleType) -> None:
    """Register the job handlers defined in `modules` with `app`."""
    handlers = app.extensions.setdefault("jobs", {})
    for module in modules:
        for handler in vars(module).values():
            if isfunction(handler) and handler.__module__ == module.__name__ and hasattr(handler, _MARK):
                handlers[getattr(handler, _MARK)] = handler


def _handlers() -> dict[str, Callable[[dict], None]]:
    return current_app.extensions.get("jobs", {})


def enqueue(kind: str, *, delay: timedelta | None = None, max_attempts: int | None = None, **payload) -> Job:
    """Add a job to the current transaction; it runs once (and only if) the transaction commits."""
    if kind not in _handlers():
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


def pending_in_transaction(kind: str, **payload) -> bool:
    """Whether the current transaction already enqueued this very job (to enqueue it once)."""
    wanted = json.dumps(payload, default=str)
    return any(j.kind == kind and j.payload == wanted for j in db.session.info.get("new_jobs", ()))


# --------------------------------------------------------------------------- running


def backoff(attempts: int, base: float) -> timedelta:
    """Waits of base, 2·base, 4·base ... capped at an hour."""
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


LEASE_ENDED = "LeaseExpired: the runner stopped (or overran its lease) before the job finished"


def _claim(job_id: int, now: datetime) -> Job | None:
    """Mark the job running, its lease ending JOBS_LEASE_SECONDS from now, if it is due (or its
    last runner's lease is over) and nobody else took it: a conditional UPDATE, so two runners
    never run the same job at once. A lease that ended counts as a failed attempt."""
    lease = timedelta(seconds=current_app.config["JOBS_LEASE_SECONDS"])
    begin_write(db.session)
    _bury_abandoned(job_id, now)
    # `now` says what is due (a batch reads the clock once); the lease runs from this very claim.
    claimed_at = utcnow()
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state.in_(JobState.CLAIMABLE), Job.run_after <= now)
        .values(state=JobState.RUNNING, started_at=claimed_at, run_after=claimed_at + lease, attempts=Job.attempts + 1)
    ).rowcount
    db.session.commit()
    return db.session.get(Job, job_id) if claimed else None


def _bury_abandoned(job_id: int, now: datetime) -> None:
    """A job whose runners kept dying stops at max_attempts, as one that kept failing does."""
    db.session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            Job.state == JobState.RUNNING,
            Job.run_after <= now,
            Job.attempts >= Job.max_attempts,
        )
        .values(state=JobState.DEAD, last_error=LEASE_ENDED, finished_at=now)
    )


def _finish(job_id: int, attempt: int, **values) -> bool:
    """Record the outcome of this runner's attempt, unless its lease ended and another runner
    has taken the job since (that runner records its own)."""
    begin_write(db.session)
    mine = db.session.execute(
        update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING, Job.attempts == attempt).values(**values)
    ).rowcount
    db.session.commit()
    return bool(mine)


def run_job(job_id: int, now: datetime | None = None) -> bool | None:
    """Run one job if it is due. True: done; False: failed (retrying or dead); None: not due or taken."""
    now = now or utcnow()
    current = _claim(job_id, now)
    if current is None:
        return None
    handler = _handlers().get(current.kind)
    kind, payload, attempt, max_attempts = current.kind, current.payload, current.attempts, current.max_attempts
    try:
        if handler is None:
            raise LookupError(f"no job handler for {kind!r}")
        with logs.job_context(job_id):
            handler(json.loads(payload or "{}"))
        db.session.commit()
    except Exception as error:
        # The job's own row is written in a write transaction of its own: on SQLite a read
        # transaction that turns into a write fails at once if another writer got in between.
        db.session.rollback()
        dead = attempt >= max_attempts
        message = f"{type(error).__name__}: {error}"[:2000]
        wait = backoff(attempt, current_app.config["JOBS_RETRY_SECONDS"])
        _finish(
            job_id,
            attempt,
            state=JobState.DEAD if dead else JobState.RETRYING,
            last_error=message,
            run_after=utcnow() + wait,
        )
        audit.event(
            "job.failed", level=logging.WARNING, job_id=job_id, kind=kind, attempts=attempt, dead=dead, error=message
        )
        return False
    _finish(job_id, attempt, state=JobState.DONE, finished_at=utcnow(), last_error="")
    return True


def run_due(now: datetime | None = None, limit: int = 500) -> tuple[int, int]:
    """Run every due job once, and those whose runner's lease ended, oldest first; returns (done, failed)."""
    now = now or utcnow()
    ids = list(
        db.session.scalars(
            select(Job.id)
            .where(Job.state.in_(JobState.CLAIMABLE), Job.run_after <= now)
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
