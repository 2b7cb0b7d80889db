"""The seam where money meets challenges. The payments package drives these calls (a confirmed
payment opens a challenge; a completed transfer marks an award paid) and reads what it owes back
(`refundable_amount`). Nothing here talks to a payment provider."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app import audit, events
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, ValidationFailed
from app.extensions import db
from challenges.models import Award, AwardState, Challenge, State


@writes
def mark_funded(
    challenge_id: int, amount: int, currency: str, reference: str, now: datetime | None = None
) -> Challenge:
    """Awaiting funding -> Open, once `amount` (minor units) of the reward is paid in.

    Idempotent: the same reference again changes nothing (payment confirmations arrive more than once)."""
    challenge = db.session.scalars(select(Challenge).where(Challenge.id == challenge_id).with_for_update()).one()
    if challenge.funding_reference == reference and challenge.state != State.AWAITING_FUNDING:
        db.session.rollback()
        return challenge
    if challenge.state != State.AWAITING_FUNDING:
        raise Conflict(f"The challenge is {State.LABELS[challenge.state].lower()}, not awaiting funding.")
    if currency.lower() != challenge.currency or amount < challenge.reward_amount:
        raise ValidationFailed("The payment does not cover the reward.")
    now = now or utcnow()
    if challenge.deadline <= now:
        raise Conflict("The deadline passed before the reward was funded; extend it first.")
    challenge.funded_amount, challenge.funding_reference = challenge.reward_amount, reference
    challenge.state, challenge.opened_at, challenge.updated_at = State.OPEN, now, now
    events.publish(events.ChallengeOpened(challenge.id))
    db.session.commit()
    audit.event("challenge.opened", challenge_id=challenge.id, reference=reference)
    return challenge


def awarded_amount(challenge: Challenge) -> int:
    """What the live awards (offered, accepted or paid) take from the reward."""
    return (
        db.session.scalar(
            select(func.coalesce(func.sum(Award.amount), 0)).where(
                Award.challenge_id == challenge.id, Award.state.in_(AwardState.LIVE)
            )
        )
        or 0
    )


def held_amount(challenge: Challenge) -> int:
    """Lapsed or declined awards not passed on yet: the organisation may still give the amount to
    the next-ranked submission or release it for a refund, so it is neither awarded nor refundable."""
    successor = aliased(Award)
    return (
        db.session.scalar(
            select(func.coalesce(func.sum(Award.amount), 0)).where(
                Award.challenge_id == challenge.id,
                Award.state.in_(AwardState.PASSABLE),
                ~select(successor.id).where(successor.replaces_id == Award.id).exists(),
            )
        )
        or 0
    )


def refundable_amount(challenge: Challenge) -> int:
    """Funded but neither awarded nor held: refunded (under the refund policy) once the challenge is
    cancelled, closed without a winner or awarded in part."""
    if challenge.state == State.CANCELLED:
        return challenge.funded_amount
    if challenge.state in (State.AWARDED, State.PAID):
        return challenge.funded_amount - awarded_amount(challenge) - held_amount(challenge)
    return 0


def close_if_paid(challenge: Challenge, now: datetime) -> None:
    """Awarded -> Paid once every live award is paid and no share waits to be passed on (caller's
    transaction, the challenge row locked)."""
    unpaid = db.session.scalar(
        select(func.count(Award.id)).where(
            Award.challenge_id == challenge.id, Award.state.in_((AwardState.OFFERED, AwardState.ACCEPTED))
        )
    )
    paid = db.session.scalar(
        select(func.count(Award.id)).where(Award.challenge_id == challenge.id, Award.state == AwardState.PAID)
    )
    if challenge.state == State.AWARDED and paid and not unpaid and not held_amount(challenge):
        challenge.state, challenge.paid_at, challenge.updated_at = State.PAID, now, now


def payable_awards(challenge: Challenge) -> list[Award]:
    """Accepted awards not yet paid: what payments should transfer."""
    return list(
        db.session.scalars(
            select(Award)
            .where(Award.challenge_id == challenge.id, Award.state == AwardState.ACCEPTED)
            .order_by(Award.place)
        )
    )


@writes
def mark_award_paid(award_id: int, now: datetime | None = None) -> Award:
    """Accepted -> Paid (idempotent). When every live award is paid and no lapsed or declined share
    waits to be passed on, the challenge is Paid."""
    award = db.session.scalars(select(Award).where(Award.id == award_id).with_for_update()).one()
    if award.state == AwardState.PAID:
        db.session.rollback()
        return award
    if award.state != AwardState.ACCEPTED:
        raise Conflict("Only an accepted award can be paid.")
    now = now or utcnow()
    award.state, award.closed_at = AwardState.PAID, now
    db.session.flush()
    challenge = db.session.scalars(select(Challenge).where(Challenge.id == award.challenge_id).with_for_update()).one()
    close_if_paid(challenge, now)
    db.session.commit()
    audit.event("challenge.award_paid", award_id=award.id, challenge_id=challenge.id)
    return award
