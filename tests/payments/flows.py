"""Money flows driven through the real services, the SDK and the emulator."""

from __future__ import annotations

from datetime import timedelta

from app.clock import utcnow
from challenges.models import Challenge
from challenges.payments import funding, webhooks
from challenges.payments.models import Payment
from tests.support.challenges import make_challenge, make_submission


def owner(challenge):
    return challenge.organisation.memberships[0].user


def awaiting(reward=100_000, **overrides):
    """A challenge awaiting funding that started ten days ago; its deadline is two days away."""
    start = utcnow() - timedelta(days=10)
    return make_challenge(
        state="awaiting_funding", now=start, reward_amount=reward, deadline=utcnow() + timedelta(days=2), **overrides
    )


def checkout(challenge) -> Payment:
    funding.start_checkout(
        owner(challenge), challenge, "http://app.test/done?s={CHECKOUT_SESSION_ID}", "http://app.test/back"
    )
    return funding.latest_payment(challenge)


def funded(ctl, reward=100_000, submissions=3, **overrides):
    """Funded by card through Checkout (confirmed by applying Stripe's events), with submissions.
    Returns (challenge, submissions, payment)."""
    challenge = awaiting(reward, **overrides)
    payment = checkout(challenge)
    ctl.pay_checkout(payment.session_id)
    webhooks.sync()
    start = utcnow() - timedelta(days=9)
    entries = [
        make_submission(challenge, title=f"Solution number {n}", now=start + timedelta(hours=n))
        for n in range(submissions)
    ]
    return challenge, entries, payment


def after_deadline(challenge):
    from app.extensions import db

    return db.session.get(Challenge, challenge.id).deadline + timedelta(hours=1)
