"""Bringing a challenge's money to where its state says it should be: payouts for accepted awards,
refunds that are due, and the Stripe calls still owed for either. Idempotent; run after the
transaction that changed something commits (never while it holds locks), by webhooks and by
`flask payments sync`."""

from __future__ import annotations

import logging

from flask import Flask, g, has_request_context
from sqlalchemy import event, select

from app import events
from app.db_types import writes
from app.extensions import db
from challenges.models import Award, Challenge
from challenges.payments import payouts, refunds
from challenges.payments.funding import funding_payment
from challenges.payments.models import Payout, PayoutState, Refund, RefundState
from challenges.services import funding as seam

log = logging.getLogger(__name__)
_PENDING_KEY = "payments_settle"


def settle(challenge_id: int) -> None:
    _prepare(challenge_id)
    for payout in db.session.scalars(
        select(Payout)
        .where(Payout.challenge_id == challenge_id, Payout.state.in_((PayoutState.PENDING, PayoutState.IN_TRANSIT)))
        .order_by(Payout.id)
    ).all():
        payouts.pay(payout.id)
    for refund in db.session.scalars(
        select(Refund).where(Refund.challenge_id == challenge_id, Refund.state == RefundState.PENDING)
    ).all():
        refunds.process(refund.id)


@writes
def _prepare(challenge_id: int) -> None:
    challenge = db.session.scalars(select(Challenge).where(Challenge.id == challenge_id).with_for_update()).one()
    if funding_payment(challenge) is not None:
        for award in seam.payable_awards(challenge):
            payouts.ensure_payout(award)
    refunds.ensure_refunds(challenge)
    db.session.commit()


def pay_user(user_id: int) -> None:
    """The winner can be paid now (onboarding finished): send what waits for them."""
    for payout in payouts.open_payouts(user_id=user_id):
        payouts.pay(payout.id)


# -- after the committing transaction ------------------------------------------------------------


def _later(challenge_id: int) -> None:
    db.session.info.setdefault(_PENDING_KEY, set()).add(challenge_id)


@events.subscribe(events.AwardAccepted)
def _award_accepted(event: events.AwardAccepted) -> None:
    # In the accepting transaction: the payout exists exactly when the acceptance does. Challenges
    # funded outside Stripe (demo data) have no escrow here and nothing to pay.
    award = db.session.get(Award, event.award_id)
    if funding_payment(award.challenge) is not None:
        payouts.ensure_payout(award)
        _later(event.challenge_id)


@events.subscribe(events.ChallengeCancelled)
def _cancelled(event: events.ChallengeCancelled) -> None:
    _later(event.challenge_id)


@events.subscribe(events.AwardReleased)
def _released(event: events.AwardReleased) -> None:
    _later(event.challenge_id)  # the released share is refunded after the commit


def run_pending() -> None:
    """Settle the challenges committed transactions touched in this request."""
    pending = g.pop(_PENDING_KEY, set()) if has_request_context() else set()
    for challenge_id in sorted(pending):
        try:
            settle(challenge_id)
        except Exception:  # noqa: BLE001 - the action succeeded; sync or a retry finishes the money
            db.session.rollback()
            log.exception("settling challenge %s failed; `flask payments sync` will retry", challenge_id)


_listening = False


def register(app: Flask) -> None:
    app.after_request(_settle_after_request)
    global _listening
    if _listening:
        return
    _listening = True

    @event.listens_for(db.session, "after_commit")
    def _committed(session):
        ids = session.info.pop(_PENDING_KEY, None)
        if ids and has_request_context():
            g.setdefault(_PENDING_KEY, set()).update(ids)

    @event.listens_for(db.session, "after_rollback")
    def _rolled_back(session):
        session.info.pop(_PENDING_KEY, None)


def _settle_after_request(response):
    run_pending()
    return response
