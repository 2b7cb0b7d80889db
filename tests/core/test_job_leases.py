"""A runner holds a job for a lease: if it dies, the job runs again once the lease is over, and
a runner whose lease ended cannot record over the one that took the job after it."""

from __future__ import annotations

import sys
from datetime import timedelta

import pytest

from app import jobs
from app.clock import utcnow
from app.extensions import db
from app.jobs.models import Job, JobState
from app.jobs.runner import _claim, _finish

calls: list[dict] = []


@pytest.fixture(autouse=True)
def _handlers(app):
    app.config.update(JOBS_BACKEND="manual", JOBS_LEASE_SECONDS=60)
    jobs.connect(app, sys.modules[__name__])
    calls.clear()


@jobs.job("test.lease")
def _record(payload: dict) -> None:
    calls.append(payload)


def _abandoned(attempts_left: int = 7) -> Job:
    """A job a runner claimed and then died with: running, its lease over."""
    job = jobs.enqueue("test.lease", n=1, max_attempts=8)
    db.session.commit()
    assert _claim(job.id, utcnow()) is not None
    db.session.refresh(job)
    job.run_after = utcnow() - timedelta(seconds=1)
    job.attempts = job.max_attempts - attempts_left
    db.session.commit()
    return job


def test_a_job_within_its_lease_is_left_to_its_runner(db):
    job = jobs.enqueue("test.lease", n=1)
    db.session.commit()
    assert _claim(job.id, utcnow()) is not None
    assert jobs.run_due() == (0, 0) and calls == []
    assert jobs.retry_now(job.id) is False  # nor is it taken from it by hand


def test_a_job_whose_lease_ended_runs_again_and_counts_the_lost_attempt(db):
    job = _abandoned()
    assert jobs.run_due() == (1, 0) and calls == [{"n": 1}]
    db.session.refresh(job)
    assert job.state == JobState.DONE and job.attempts == 2


def test_a_runner_whose_lease_ended_does_not_record_over_the_next_one(db):
    job = _abandoned()
    stale_attempt = job.attempts
    assert _claim(job.id, utcnow()) is not None  # another runner takes it
    assert _finish(job.id, stale_attempt, state=JobState.DONE) is False
    db.session.refresh(job)
    assert job.state == JobState.RUNNING


def test_a_job_whose_runners_keep_dying_ends_dead(db):
    job = _abandoned(attempts_left=0)
    assert jobs.run_due() == (0, 0) and calls == []
    db.session.refresh(job)
    assert job.state == JobState.DEAD and "LeaseExpired" in job.last_error


def test_stuck_jobs_are_listed_shown_to_admins_and_retryable(db, runner, site_admin_client):
    job = _abandoned()
    listed = runner.invoke(args=["jobs", "list", "--state", "running"]).output
    assert f"{job.id:>6} test.lease" in listed and "lease ended" in listed
    page = site_admin_client.get("/admin/jobs").get_data(as_text=True)
    assert "Stuck" in page and "test.lease" in page
    assert "queued again" in runner.invoke(args=["jobs", "retry", str(job.id)]).output
    db.session.refresh(job)
    assert job.state == JobState.RETRYING


def test_the_lease_runs_from_the_claim_not_from_the_start_of_a_batch(db):
    job = jobs.enqueue("test.lease", n=1)
    db.session.commit()
    job.run_after = utcnow() - timedelta(seconds=300)  # long due
    db.session.commit()
    batch_started = utcnow() - timedelta(seconds=120)  # a long batch read the clock two minutes ago
    assert _claim(job.id, batch_started) is not None
    db.session.refresh(job)
    assert job.run_after >= utcnow() + timedelta(seconds=59)  # a whole lease ahead, not one already over
