"""Background jobs: they run only when the transaction that made them commits, a failure is
retried with a growing wait and stays visible, and no job runs twice at once."""

from __future__ import annotations

import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import jobs
from app.clock import utcnow
from app.extensions import db
from app.jobs import retry_now
from app.jobs.models import Job, JobState
from app.mail import send_mail

calls: list[dict] = []


@pytest.fixture(autouse=True)
def _handlers(app):
    jobs.connect(app, sys.modules[__name__])


@jobs.job("test.record")
def _record(payload: dict) -> None:
    calls.append(payload)


@jobs.job("test.fail")
def _fail(payload: dict) -> None:
    raise RuntimeError("the receiver is down")


@jobs.job("test.mail")
def _mail(payload: dict) -> None:
    send_mail(payload["to"], "Hello from a job", "A message sent after the commit.")


@pytest.fixture(autouse=True)
def _fresh_calls():
    calls.clear()


def state_of(job_id: int) -> Job:
    db.session.commit()
    return db.session.get(Job, job_id)


def test_a_job_runs_after_its_transaction_commits(db):
    job = jobs.enqueue("test.record", n=1)
    db.session.flush()
    assert calls == []  # not before the commit
    db.session.commit()
    assert jobs.wait_idle()
    assert calls == [{"n": 1}] and state_of(job.id).state == JobState.DONE


def test_a_rolled_back_transaction_leaves_no_job(db):
    jobs.enqueue("test.record", n=2)
    db.session.rollback()
    db.session.commit()
    assert jobs.wait_idle()
    assert calls == [] and db.session.scalar(select(Job)) is None


def test_a_failing_job_is_retried_then_dead_and_visible(app, db):
    app.config["JOBS_MAX_ATTEMPTS"] = 3
    job = jobs.enqueue("test.fail", max_attempts=3)
    db.session.commit()
    assert jobs.wait_idle(timeout=10)
    failed = state_of(job.id)
    assert failed.state == JobState.DEAD and failed.attempts == 3
    assert "the receiver is down" in failed.last_error
    assert retry_now(job.id)  # a site administrator retries it by hand
    assert jobs.wait_idle()
    assert state_of(job.id).attempts == 4


def test_mail_server_down_is_retried_then_delivered_once(app, db, mailbox):
    mailbox.fail_next = 2  # the server answers "451 try again later" twice
    job = jobs.enqueue("test.mail", to="casey@example.com")
    db.session.commit()
    assert jobs.wait_idle(timeout=10)
    done = state_of(job.id)
    assert done.state == JobState.DONE and done.attempts == 3
    assert len(mailbox.to("casey@example.com")) == 1


def test_a_due_job_runs_once_even_when_two_runners_reach_for_it(app, db):
    app.config["JOBS_BACKEND"] = "manual"
    job = jobs.enqueue("test.record", n=3)
    db.session.commit()
    assert jobs.run_job(job.id) is True
    assert jobs.run_job(job.id) is None  # already done: the conditional claim refuses it
    assert calls == [{"n": 3}]


def test_flask_jobs_run_picks_up_what_is_due(app, db, runner):
    app.config["JOBS_BACKEND"] = "manual"  # as after a restart: nothing in flight in this process
    later = jobs.enqueue("test.record", n=4, delay=timedelta(hours=1))
    jobs.enqueue("test.record", n=5)
    db.session.commit()
    result = runner.invoke(args=["jobs", "run"])
    assert "1 done, 0 failed" in result.output
    assert calls == [{"n": 5}] and state_of(later.id).state == JobState.QUEUED
    assert jobs.run_due(now=utcnow() + timedelta(hours=2)) == (1, 0)


def test_rq_workers_run_jobs_when_redis_is_configured(app, db):
    redis = pytest.importorskip("redis")
    from rq import SimpleWorker

    from app.jobs import rq_backend

    connection = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    connection.flushdb()
    app.config.update(JOBS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:6379/15")
    rq_backend.bind(app)
    try:
        job = jobs.enqueue("test.record", n=6)
        db.session.commit()
        assert calls == []  # waiting on the queue for a worker
        SimpleWorker([rq_backend._queue(app.config["REDIS_URL"])], connection=connection).work(burst=True)
        assert calls == [{"n": 6}] and state_of(job.id).state == JobState.DONE
    finally:
        rq_backend.bind(None)
        connection.flushdb()
