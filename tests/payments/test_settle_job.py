"""Money settles through the jobs outbox: the award's transaction enqueues `payments.settle`, which
runs after the commit wherever jobs run (here `flask jobs run`, with no request at all) and runs
again with backoff until Stripe has answered, logging the challenge and payout it waits for."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.jobs.models import Job, JobState
from challenges.payments import connect, webhooks
from challenges.payments.models import Payout, PayoutState
from challenges.services import awards
from tests.payments.flows import after_deadline, funded, owner

SETTLE_BY_HAND = True  # here `flask jobs run` is the worker


@pytest.fixture
def app_config(app_config):
    return {**app_config, "JOBS_RETRY_SECONDS": 60}


def _onboard(ctl, user):
    connect.onboarding_link(user, "http://app.test/refresh", "http://app.test/return")
    ctl.complete_onboarding(connect.account_of(user).account_id)
    webhooks.sync()


def _settle_jobs(db):
    return list(db.session.scalars(select(Job).where(Job.kind == "payments.settle").order_by(Job.id)))


def test_an_award_enqueues_one_settle_job_and_the_cli_pays_it(app, db, ctl, runner):
    challenge, entries, _ = funded(ctl, submissions=1)
    _onboard(ctl, entries[0].solver)
    awards.award(owner(challenge), challenge, [(entries[0].id, 100_000)], now=after_deadline(challenge))
    [job] = _settle_jobs(db)
    assert json.loads(job.payload) == {"challenge_id": challenge.id} and job.state == JobState.QUEUED
    assert db.session.query(Payout).one().state == PayoutState.PENDING  # nothing sent inside the award

    result = runner.invoke(args=["jobs", "run"])  # a worker's round: no request anywhere
    assert result.exit_code == 0 and "1 done, 0 failed" in result.output
    db.session.expire_all()
    payout = db.session.query(Payout).one()
    assert payout.state == PayoutState.PAID and len(ctl.objects("transfer")) == 1
    assert _settle_jobs(db)[0].state == JobState.DONE
    assert "1 done" not in runner.invoke(args=["jobs", "run"]).output  # done once, not again


def test_a_settle_stripe_did_not_answer_is_logged_and_retried_with_the_same_key(app, db, ctl, runner):
    challenge, entries, _ = funded(ctl, submissions=1)
    _onboard(ctl, entries[0].solver)
    awards.award(owner(challenge), challenge, [(entries[0].id, 100_000)], now=after_deadline(challenge))
    ctl.inject_fault("timeout", path="/v1/transfers")

    first = runner.invoke(args=["jobs", "run"])
    assert "0 done, 1 failed" in first.stdout
    [job] = _settle_jobs(db)
    payout = db.session.query(Payout).one()
    assert job.state == JobState.RETRYING and "StillOwed" in job.last_error
    assert payout.state == PayoutState.IN_TRANSIT and len(ctl.objects("transfer")) == 1  # Stripe did it
    records = [json.loads(line) for line in first.stderr.splitlines() if line.startswith("{")]
    [logged] = [r for r in records if r["logger"] == "challenges.payments.settle"]
    assert logged["level"] == "warning" and logged["job_id"] == job.id
    assert logged["challenge_id"] == challenge.id and logged["payout_ids"] == [payout.id]

    assert "0 done" in runner.invoke(args=["jobs", "run"]).output  # not due again yet: it waits
    job.run_after = utcnow() - timedelta(seconds=1)  # the backoff has passed
    db.session.commit()
    assert "1 done, 0 failed" in runner.invoke(args=["jobs", "run"]).output
    db.session.expire_all()
    assert db.session.query(Payout).one().state == PayoutState.PAID
    assert len(ctl.objects("transfer")) == 1  # the same idempotency key: paid once
