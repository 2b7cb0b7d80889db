"""Bringing a challenge's money to where its state says it should be: payouts for accepted awards,
refunds that are due, and the Stripe calls still owed for either. Idempotent; run after the
transaction that changed something commits (never while it holds locks), by the settle job that
transaction enqueued, by webhooks and by `flask payments sync`."""

from __future__ import annotations

import logging

from sqlalchemy import select

from app import events, jobs
from app.db_types import writes
from app.extensions import db
from challenges.models import Award, Challenge
from challenges.payments import payouts, refunds
from challenges.payments.funding import funding_payment
from challenges.payments.models import Payout, PayoutState, Refund, RefundState
from challenges.services import funding as seam

log = logging.getLogger(__name__)


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


# -- after the committing transaction: a job in the outbox --------------------------------------

SETTLE_JOB = "payments.settle"


def settle_later(challenge_id: int) -> None:
    """Settle the challenge once the current transaction commits (and only if it does): a job row
    written in the same transaction, retried with backoff until the money is where it belongs."""
    if not jobs.pending_in_transaction(SETTLE_JOB, challenge_id=challenge_id):
        jobs.enqueue(SETTLE_JOB, challenge_id=challenge_id)


class StillOwed(RuntimeError):
    """Stripe did not answer for some of the challenge's money: the job runs again later (the
    same idempotency keys, so nothing is paid twice)."""


@jobs.job(SETTLE_JOB)
def _settle_job(payload: dict) -> None:
    challenge_id = int(payload["challenge_id"])
    try:
        settle(challenge_id)
    except Exception:
        db.session.rollback()
        log.exception(
            "settling challenge %s failed; the job will try again",
            challenge_id,
            extra={"challenge_id": challenge_id, "payout_ids": _unsettled_payouts(challenge_id)},
        )
        raise
    payout_ids, refund_ids = _unsettled_payouts(challenge_id), _unsent_refunds(challenge_id)
    if payout_ids or refund_ids:
        log.warning(
            "challenge %s: Stripe did not answer for payouts %s and refunds %s; trying again later",
            challenge_id,
            payout_ids,
            refund_ids,
            extra={"challenge_id": challenge_id, "payout_ids": payout_ids, "refund_ids": refund_ids},
        )
        raise StillOwed(f"challenge {challenge_id}: payouts {payout_ids}, refunds {refund_ids} still owed")


def _unsettled_payouts(challenge_id: int) -> list[int]:
    """Payouts sent to Stripe without an answer (pending ones wait for their winner instead)."""
    return list(
        db.session.scalars(
            select(Payout.id)
            .where(Payout.challenge_id == challenge_id, Payout.state == PayoutState.IN_TRANSIT)
            .order_by(Payout.id)
        )
    )


def _unsent_refunds(challenge_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Refund.id)
            .where(Refund.challenge_id == challenge_id, Refund.state == RefundState.PENDING)
            .order_by(Refund.id)
        )
    )


@events.subscribe(events.AwardAccepted)
def _award_accepted(event: events.AwardAccepted) -> None:
    # In the accepting transaction: the payout exists exactly when the acceptance does. A challenge
    # opened without a funding payment has no escrow here and nothing to pay (the winner's Earnings
    # page still lists the award).
    award = db.session.get(Award, event.award_id)
    if funding_payment(award.challenge) is not None:
        payouts.ensure_payout(award)
        settle_later(event.challenge_id)


@events.subscribe(events.ChallengeCancelled)
def _cancelled(event: events.ChallengeCancelled) -> None:
    _settle_if_funded(event.challenge_id)


@events.subscribe(events.AwardReleased)
def _released(event: events.AwardReleased) -> None:
    _settle_if_funded(event.challenge_id)  # the released share is refunded after the commit


def _settle_if_funded(challenge_id: int) -> None:
    if funding_payment(db.session.get(Challenge, challenge_id)) is not None:
        settle_later(challenge_id)
