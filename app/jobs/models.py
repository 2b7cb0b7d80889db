"""Background jobs as rows: written in the transaction of whatever caused them, so a job exists
exactly when its cause committed, and nothing is lost if a worker or the mail server is down."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db_types import UTCDateTime
from app.extensions import db


class JobState:
    QUEUED = "queued"
    # Claimed by a runner until run_after (the lease): a runner that dies leaves it running, and
    # once the lease is over another runner takes it again (jobs are idempotent).
    RUNNING = "running"
    RETRYING = "retrying"  # failed; runs again at run_after
    DONE = "done"
    DEAD = "dead"  # failed max_attempts times; visible to site administrators, retryable by hand

    DUE = (QUEUED, RETRYING)
    CLAIMABLE = (QUEUED, RETRYING, RUNNING)  # once run_after has passed
    ALL = (QUEUED, RUNNING, RETRYING, DONE, DEAD)


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_run_after", "state", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    state: Mapped[str] = mapped_column(String(20), default=JobState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=8)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
