"""Refunds under the written policy (`funding.REFUND_POLICY`): one Refund row per payment, written
before the Stripe call that uses its key."""

from __future__ import annotations

import logging

from sqlalchemy import select

from app import audit
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed
from app.extensions import db
from challenges import policy
from challenges.models import Award, AwardState, Challenge, State
from challenges.payments import gateway, ledger
from challenges.payments.funding import is_outside_stripe
from challenges.payments.models import Account, Payment, PaymentState, Refund, RefundState
from challenges.services import funding as seam

log = logging.getLogger(__name__)


def due(challenge: Challenge, payment: Payment) -> tuple[int, int, str] | None:
    """(reward part, fee part, reason) owed back on `payment` now, or None."""
    if payment.state == PaymentState.UNUSED:
        return payment.reward_amount, payment.fee_amount, "Payment not needed"
    if payment.state != PaymentState.PAID or payment.session_id != challenge.funding_reference:
        return None
    if challenge.state == State.CANCELLED:
        fee = payment.fee_amount if challenge.submission_count == 0 else 0
        reason = "No winner" if challenge.no_winner else "Challenge cancelled"
        return seam.refundable_amount(challenge), fee, reason
    if challenge.state in (State.AWARDED, State.PAID):
        waiting = db.session.scalar(
            select(Award.id).where(Award.challenge_id == challenge.id, Award.state == AwardState.OFFERED).limit(1)
        )
        rest = seam.refundable_amount(challenge)
        # One refund per payment: wait until no offer is open and no lapsed or declined share may
        # still be passed on, so the amount is final.
        if waiting is None and rest > 0 and not seam.held_amount(challenge):
            return rest, 0, "Reward not awarded"
    return None


def ensure_refunds(challenge: Challenge) -> list[Refund]:
    """Rows for whatever is owed back on the challenge's payments (caller's transaction)."""
    made = []
    for payment in db.session.scalars(select(Payment).where(Payment.challenge_id == challenge.id)):
        if db.session.scalar(select(Refund.id).where(Refund.payment_id == payment.id)) is not None:
            continue
        owed = due(challenge, payment)
        if owed and owed[0] + owed[1] > 0:
            refund = Refund(
                payment_id=payment.id,
                challenge_id=challenge.id,
                reward_part=owed[0],
                fee_part=owed[1],
                currency=payment.currency,
                reason=owed[2],
            )
            db.session.add(refund)
            db.session.flush()
            made.append(refund)
    return made


def _ids(refund: Refund) -> dict:
    return {"refund_id": refund.id, "challenge_id": refund.challenge_id, "payment_id": refund.payment_id}


def process(refund_id: int) -> Refund:
    refund = db.session.get(Refund, refund_id)
    if refund.state != RefundState.PENDING:
        return refund
    if is_outside_stripe(refund.payment):
        return _finish(
            refund_id, "", RefundState.FAILED, "Paid in outside Stripe (demo data): Stripe cannot refund it."
        )
    try:
        made = gateway.create_refund(
            key=refund.idempotency_key,
            charge=refund.payment.charge_id,
            amount=refund.amount,
            metadata={"refund_row": str(refund.id), "challenge_id": str(refund.challenge_id)},
        )
    except gateway.Unreachable as error:
        log.warning("refund %s: Stripe did not answer (%s)", refund.id, type(error).__name__, extra=_ids(refund))
        return refund  # stays pending: the next attempt replays the same key
    except gateway.Refused as error:
        log.warning("refund %s: Stripe refused it: %s", refund.id, error, extra=_ids(refund))
        return _finish(refund_id, "", RefundState.FAILED, str(getattr(error, "user_message", None) or error))
    state = RefundState.SUCCEEDED if made.status in ("succeeded", "pending") else RefundState.FAILED
    return _finish(refund_id, made.id, state, "" if state == RefundState.SUCCEEDED else f"Stripe: {made.status}")


def can_retry(user: User | None, refund: Refund) -> bool:
    """Who sees the refund on the billing page (the organisation's admins and product managers)
    or runs the site."""
    if not policy.signed_in(user):
        return False
    if user.is_site_admin:
        return True
    return policy.can_post(user, db.session.get(Challenge, refund.challenge_id).organisation)


def retry(actor: User, refund: Refund) -> Refund:
    """Try a refused refund again, once its cause is dealt with (say, the balance topped up), as
    a new attempt under a new key; a pending one is simply asked for again with its key.
    Raises NotAllowed, or Conflict when the money has gone back already."""
    if not can_retry(actor, refund):
        raise NotAllowed("Only the organisation's admins and product managers can retry this refund.")
    _reopen(refund.id)
    audit.event("payments.refund_retried", refund_id=refund.id, actor_id=actor.id)
    return process(refund.id)


@writes
def _reopen(refund_id: int) -> None:
    refund = _locked(refund_id)
    if refund.state == RefundState.SUCCEEDED:
        db.session.rollback()
        raise Conflict("This refund has been made.")
    if refund.state == RefundState.FAILED:
        refund.attempt += 1
        refund.state, refund.message = RefundState.PENDING, ""
    db.session.commit()


def _locked(refund_id: int) -> Refund:
    return db.session.scalars(
        select(Refund).where(Refund.id == refund_id).with_for_update().execution_options(populate_existing=True)
    ).one()


@writes
def _finish(refund_id, stripe_id, state, message) -> Refund:
    refund = _locked(refund_id)
    if refund.state != RefundState.PENDING:
        db.session.rollback()
        return refund
    refund.state, refund.refund_id, refund.message = state, stripe_id, message[:255]
    if state == RefundState.SUCCEEDED:
        refund.refunded_at = utcnow()
        ledger.post(
            f"refund:{refund.id}",
            "refund",
            [
                (Account.escrow(refund.challenge_id), refund.reward_part),
                (Account.FEE_REVENUE, refund.fee_part),
                (Account.CASH, -refund.amount),
            ],
            refund.currency,
            refund.challenge_id,
            f"Refund {stripe_id}",
        )
    db.session.commit()
    return refund
