"""A worker killed while Stripe carries out a payout's transfer: after the job's lease the settle
job runs again with the payout's idempotency key, and the winner is paid by one transfer."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.jobs import run_due
from app.jobs.models import Job, JobState
from challenges.payments.models import Payout, PayoutState
from challenges.services import awards
from tests.payments.flows import after_deadline, funded, owner
from tests.payments.test_money_flow import onboard
from tests.support import job_worker

LEASE = 2.0
SETTLE_BY_HAND = True  # the settle job waits for the worker this test starts (and kills)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "JOBS_LEASE_SECONDS": LEASE}


def test_a_payout_whose_worker_was_killed_is_paid_once(app, app_config, db, ctl):
    challenge, entries, _ = funded(ctl, submissions=1)
    onboard(ctl, entries[0].solver)
    awards.award(owner(challenge), challenge, [(entries[0].id, 100_000)], now=after_deadline(challenge))
    # Stripe makes the transfer, then holds its answer: the worker is killed meanwhile.
    ctl.inject_fault("timeout", path="/v1/transfers", sleep=5)

    worker = job_worker.start(app_config)
    try:
        assert worker.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 10
        while not ctl.objects("transfer") and time.monotonic() < deadline:
            time.sleep(0.05)
        worker.kill()
        worker.wait(10)
    finally:
        worker.kill()
    assert len(ctl.objects("transfer")) == 1
    db.session.commit()  # a fresh snapshot
    job = db.session.scalar(select(Job).where(Job.kind == "payments.settle"))
    assert job.state == JobState.RUNNING
    assert db.session.query(Payout).one().state == PayoutState.IN_TRANSIT  # sent, never answered

    time.sleep(LEASE + 0.2)
    assert run_due() == (1, 0)
    db.session.expire_all()
    assert db.session.query(Payout).one().state == PayoutState.PAID
    assert len(ctl.objects("transfer")) == 1  # the same idempotency key: Stripe answered with the first
