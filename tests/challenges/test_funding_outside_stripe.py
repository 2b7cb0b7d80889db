"""A reward paid in outside Stripe (how the demo data is funded): the same receipt, ledger and
opening of the challenge as a Checkout, an Earnings page that lists every award a winner has,
and payouts or refunds that say why Stripe cannot send them instead of calling it (no Stripe is
configured here: a call would raise)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.errors_domain import Conflict
from app.extensions import db
from app.jobs import wait_idle
from challenges.models import State
from challenges.payments import funding, ledger, settle
from challenges.payments.models import Payment, PaymentState, Payout, PayoutAccount, PayoutState, Refund, RefundState
from challenges.services import awards, posting
from tests.support.challenges import make_challenge, make_submission
from tests.support.factories import login
from tests.support.judging import closed_challenge, give_scores, make_judge, owner_of


def _settled() -> None:
    """Let the settle job an acceptance or a cancellation enqueued finish first."""
    db.session.rollback()
    assert wait_idle()


def _award_first(challenge, submission, amount):
    give_scores(make_judge(challenge), submission, 8, 8, 8)
    award = awards.award(owner_of(challenge), challenge, [(submission.id, amount)])[0]
    _settled()
    return award


def test_earnings_lists_an_accepted_award_that_has_no_payout(client):
    challenge, (entry,) = closed_challenge(1)  # opened without a funding payment
    award = _award_first(challenge, entry, 300_000)
    assert db.session.scalar(select(Payout).where(Payout.award_id == award.id)) is None
    login(client, entry.solver)
    page = client.get("/earnings").get_data(as_text=True)
    assert "No awards yet" not in page
    assert "$3,000" in page and challenge.title in page and "Waiting for the funding payment." in page


def test_a_reward_paid_in_outside_stripe_books_like_a_checkout(client):
    start = utcnow() - timedelta(days=10)
    challenge = make_challenge(state="awaiting_funding", now=start, deadline=start + timedelta(days=3))
    payment = funding.record_outside_stripe(owner_of(challenge), challenge, now=start + timedelta(hours=1))
    assert payment.state == PaymentState.PAID and challenge.state == State.OPEN
    assert funding.funding_payment(challenge).id == payment.id
    assert ledger.challenge_totals(challenge.id, "usd")["funded"] == 500_000
    assert db.session.scalar(select(Payment).where(Payment.challenge_id == challenge.id)).paid_at == payment.paid_at

    entry = make_submission(challenge, now=start + timedelta(days=1))
    award = _award_first(challenge, entry, 300_000)
    db.session.add(PayoutAccount(user_id=entry.solver_id, account_id="acct_connected", payouts_enabled=True))
    db.session.commit()
    settle.settle(challenge.id)
    payout = db.session.scalar(select(Payout).where(Payout.award_id == award.id))
    assert payout.state == PayoutState.PENDING and "outside Stripe" in payout.message
    totals = ledger.challenge_totals(challenge.id, "usd")
    assert totals == {"funded": 500_000, "awarded": 300_000, "refunded": 0, "held": 200_000}

    login(client, entry.solver)
    page = client.get("/earnings").get_data(as_text=True)
    assert "$3,000" in page and "outside Stripe" in page

    login(client, owner_of(challenge))
    billing = client.get(f"/orgs/{challenge.organisation.slug}/billing").get_data(as_text=True)
    assert challenge.title in billing and "$5,000" in billing and "$5,250" in billing


def test_a_refund_of_money_paid_in_outside_stripe_says_why_it_cannot_go(app):
    challenge = make_challenge(state="awaiting_funding")
    funding.record_outside_stripe(owner_of(challenge), challenge)
    posting.cancel(owner_of(challenge), challenge, "The team solved it in house.")
    _settled()
    settle.settle(challenge.id)
    refund = db.session.scalar(select(Refund).where(Refund.challenge_id == challenge.id))
    assert refund.state == RefundState.FAILED and "outside Stripe" in refund.message


def test_funding_outside_stripe_is_refused_like_a_checkout(app):
    challenge = make_challenge(state="draft")
    with pytest.raises(Conflict):
        funding.record_outside_stripe(owner_of(challenge), challenge)
