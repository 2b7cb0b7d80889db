"""Stripe events: each recorded once by id, then applied as a state transition that reads the
object's current state back from Stripe, so duplicates and any order end in the same place."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from app.db_types import writes
from app.extensions import db
from challenges.payments import connect, funding, gateway, payouts, settle
from challenges.payments.models import Payment, Refund, WebhookEvent

log = logging.getLogger(__name__)

SESSION_EVENTS = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
)


def receive(event) -> str:
    """Record and apply one verified event: "processed", "duplicate" or "ignored".

    Raises whatever the handler raised (the event stays unprocessed, so Stripe's retry or
    `flask payments sync` applies it later)."""
    if not _record(event):
        return "duplicate"
    try:
        handled = apply(event)
    except Exception as error:
        db.session.rollback()
        _done(event.id, f"{type(error).__name__}: {error}"[:2000], processed=False)
        raise
    _done(event.id, "")
    return "processed" if handled else "ignored"


@writes
def _record(event) -> bool:
    """True when this event still needs applying (new, or an earlier attempt failed)."""
    row = db.session.scalars(select(WebhookEvent).where(WebhookEvent.event_id == event.id).with_for_update()).first()
    if row is not None:
        db.session.rollback()
        return row.processed_at is None and bool(row.error)
    db.session.add(
        WebhookEvent(
            event_id=event.id,
            type=event.type,
            account=getattr(event, "account", None) or "",
            created=int(event.created or 0),
        )
    )
    try:
        db.session.commit()
    except IntegrityError:  # the same event delivered twice at once: the other delivery applies it
        db.session.rollback()
        return False
    return True


@writes
def _done(event_id: str, error: str, processed: bool = True) -> None:
    row = db.session.scalars(select(WebhookEvent).where(WebhookEvent.event_id == event_id).with_for_update()).one()
    row.error = error
    if processed:
        row.processed_at = utcnow()
    db.session.commit()


def apply(event) -> bool:
    """Route one event to its transition; False when the type does not concern us."""
    obj = event.data.object
    kind = event.type
    if kind in SESSION_EVENTS:
        payment = funding.confirm_session(obj.id)
        if payment is not None:
            settle.settle(payment.challenge_id)  # a payment not needed is refunded at once
        return True
    if kind == "account.updated":
        account = connect.refresh(obj.id)
        if account is not None and account.payouts_enabled:
            settle.pay_user(account.user_id)
        return True
    if kind in ("transfer.reversed", "transfer.updated"):
        payouts.sync_transfer(obj.id)
        return True
    if kind in ("charge.refunded", "refund.created", "refund.updated", "refund.failed"):
        return _refund_event(obj)
    return False


def _refund_event(obj) -> bool:
    """Refunds are booked when the API call answers; an event only finishes one whose answer was lost."""
    charge_id = obj.id if obj.object == "charge" else obj.charge
    payment = db.session.scalar(select(Payment).where(Payment.charge_id == charge_id))
    if payment is None:
        return False
    refund = db.session.scalar(select(Refund).where(Refund.payment_id == payment.id))
    if refund is not None:
        from challenges.payments import refunds

        refunds.process(refund.id)  # replays the same key: Stripe answers with the refund it made
    return True


def sync(since: int | None = None) -> dict[str, int]:
    """Fetch recent events (platform and each connected account) and apply those not yet applied,
    oldest first; then retry payouts and refunds still owed. Returns counts."""
    from challenges.payments.models import PayoutAccount

    found = list(gateway.list_events(since))
    for account_id in db.session.scalars(select(PayoutAccount.account_id)).all():
        found.extend(gateway.list_events(since, account=account_id))
    counts = {"seen": len(found), "applied": 0, "failed": 0}
    for event in sorted(found, key=lambda e: (e.created, e.id)):
        try:
            if receive(event) != "duplicate":
                counts["applied"] += 1
        except Exception:
            counts["failed"] += 1
            log.exception("event %s could not be applied", event.id, extra=event_ids(event))
    for challenge_id in _challenges_with_open_money():
        settle.settle(challenge_id)
    return counts


def _challenges_with_open_money() -> list[int]:
    from challenges.payments.models import PaymentState

    return list(
        db.session.scalars(
            select(Payment.challenge_id).where(Payment.state.in_((PaymentState.PAID, PaymentState.UNUSED))).distinct()
        )
    )


def event_ids(event) -> dict:
    """What a log line of a Stripe event carries: the event, and the challenge and payout it is about."""
    ids = {"stripe_event_id": event.id, "stripe_event_type": event.type}
    metadata = gateway.metadata(event.data.object) if getattr(event, "data", None) else {}
    for key in ("challenge_id", "payout_id", "award_id"):
        if metadata.get(key):
            ids[key] = int(metadata[key])
    return ids
