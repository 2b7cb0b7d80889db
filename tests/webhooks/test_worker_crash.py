"""A worker killed in the middle of a delivery: the job stays running until its lease is over, then
runs again, and the receiver gets the delivery again under the same delivery id."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.jobs import run_due
from app.jobs.models import Job, JobState
from tests.support import job_worker
from tests.support.factories import make_board, make_idea
from tests.webhooks.conftest import add_endpoint

LEASE = 2.0


@pytest.fixture
def app_config(app_config):
    return {**app_config, "JOBS_BACKEND": "manual", "JOBS_LEASE_SECONDS": LEASE}


def test_a_delivery_whose_worker_was_killed_is_sent_again_under_its_id(app, app_config, db, org, receiver):
    add_endpoint(org, receiver, events=["idea.created"])
    make_idea(make_board(org))  # the delivery job waits for a runner
    receiver.respond_with(200, delay=5)  # the first answer is slow: the worker dies waiting for it

    worker = job_worker.start(app_config)
    try:
        assert worker.stdout.readline().strip() == "ready"
        first = receiver.wait_for_arrivals(1)[0]
        worker.kill()
        worker.wait(10)
    finally:
        worker.kill()
    db.session.commit()  # a fresh snapshot
    job = db.session.scalar(select(Job).where(Job.kind == "webhooks.deliver"))
    assert job.state == JobState.RUNNING and job.attempts == 1  # stuck with its dead runner

    receiver.respond_with(200)
    assert run_due() == (0, 0)  # its lease is not over yet
    time.sleep(LEASE + 0.2)
    assert run_due() == (1, 0)
    db.session.refresh(job)
    assert job.state == JobState.DONE and job.attempts == 2
    again = receiver.wait_for_arrivals(2)[1]
    assert again.headers["X-Ideaforge-Delivery"] == first.headers["X-Ideaforge-Delivery"]
    assert again.json()["id"] == first.json()["id"]  # the same event: the receiver can drop the repeat
