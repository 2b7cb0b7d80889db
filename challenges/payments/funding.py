"""Funding a challenge through Stripe Checkout: reward plus the platform fee, confirmed only by
what Stripe says about the session (webhook or sync), never by the browser's return."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, DomainError, NotAllowed
from app.extensions import db
from challenges import money, policy
from challenges.models import Challenge, State
from challenges.payments import gateway, ledger
from challenges.payments.models import Account, Payment, PaymentState
from challenges.services import funding as seam

REFUND_POLICY = (
    "If the challenge is cancelled before any solver has submitted, the whole payment, platform fee "
    "included, is refunded. Once solvers have submitted, a cancelled challenge or one closed without a "
    "winner refunds the reward and the platform fee is kept. When only part of the reward is awarded, "
    "the rest of the reward is refunded once every award is accepted or passed on."
)


def fee_for(reward: int) -> int:
    """The platform fee on `reward`, rounded half up to the minor unit."""
    percent = current_app.config.get("PLATFORM_FEE_PERCENT", 5)
    return int(reward * percent * 100 + 5000) // 10000 if percent else 0


def quote(challenge: Challenge) -> dict:
    """What funding costs, to show before paying."""
    fee = fee_for(challenge.reward_amount)
    return {
        "reward": challenge.reward_amount,
        "fee": fee,
        "total": challenge.reward_amount + fee,
        "currency": challenge.currency,
        "percent": current_app.config.get("PLATFORM_FEE_PERCENT", 5),
        "policy": REFUND_POLICY,
        "reward_text": money.format_money(challenge.reward_amount, challenge.currency),
        "fee_text": money.format_money(fee, challenge.currency),
        "total_text": money.format_money(challenge.reward_amount + fee, challenge.currency),
    }


def start_checkout(actor: User, challenge: Challenge, success_url: str, cancel_url: str) -> str:
    """Create a Checkout Session for the reward plus fee and return its URL.

    Raises NotAllowed (not a manager), Conflict (not awaiting funding) or a gateway error."""
    _check_fundable(actor, challenge, utcnow())
    terms = quote(challenge)
    attempt = (db.session.scalar(select(func.count(Payment.id)).where(Payment.challenge_id == challenge.id)) or 0) + 1
    session = gateway.create_checkout_session(
        key=gateway.key("checkout", challenge.id, attempt),
        amount=terms["total"],
        currency=challenge.currency,
        name=f"Reward for “{challenge.title}”"[:250],
        description=f"Reward {terms['reward_text']} + platform fee {terms['fee_text']}",
        transfer_group=transfer_group(challenge.id),
        metadata={"challenge_id": str(challenge.id), "reward": str(terms["reward"]), "fee": str(terms["fee"])},
        success_url=success_url,
        cancel_url=cancel_url,
        email=actor.email,
    )
    _record_session(challenge.id, actor.id, session.id, terms["reward"], terms["fee"], challenge.currency)
    return session.url


def _check_fundable(actor: User, challenge: Challenge, now) -> None:
    if not policy.can_manage(actor, challenge):
        raise NotAllowed("Only the organisation's admins and product managers can fund a challenge.")
    if challenge.state != State.AWAITING_FUNDING:
        raise Conflict("Only a challenge awaiting funding can be funded.")
    if challenge.deadline <= now:
        raise Conflict("The deadline has passed; extend it before funding.")


# Payments made outside Stripe carry this reference prefix and no charge.
OUTSIDE_STRIPE = "outside_stripe_"


def is_outside_stripe(payment: Payment) -> bool:
    """Paid in without Stripe (the demo data): there is no charge to pay winners from or refund."""
    return payment.session_id.startswith(OUTSIDE_STRIPE) and not payment.charge_id


def record_outside_stripe(actor: User, challenge: Challenge, now=None) -> Payment:
    """Funding paid in outside Stripe, as the demo data is (it is seeded with no Stripe to call):
    the same receipt, ledger journals and opening of the challenge as a confirmed Checkout, without
    a charge at Stripe. Raises NotAllowed or Conflict like `start_checkout`."""
    now = now or utcnow()
    _check_fundable(actor, challenge, now)
    terms = quote(challenge)
    payment = _record_session(
        challenge.id,
        actor.id,
        f"{OUTSIDE_STRIPE}{challenge.id}",
        terms["reward"],
        terms["fee"],
        challenge.currency,
        now=now,
    )
    return _open(payment, intent_id="", charge_id="", stripe_fee=0, now=now)


def transfer_group(challenge_id: int) -> str:
    return f"challenge_{challenge_id}"


@writes
def _record_session(challenge_id, payer_id, session_id, reward, fee, currency, now=None) -> Payment:
    existing = db.session.scalar(select(Payment).where(Payment.session_id == session_id))
    if existing:  # the same idempotency key replayed the same session
        db.session.rollback()
        return existing
    payment = Payment(
        challenge_id=challenge_id,
        payer_id=payer_id,
        session_id=session_id,
        reward_amount=reward,
        fee_amount=fee,
        currency=currency,
        created_at=now or utcnow(),
    )
    db.session.add(payment)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return db.session.scalar(select(Payment).where(Payment.session_id == session_id))
    return payment


def confirm_session(session_id: str) -> Payment | None:
    """Bring our Payment to what Stripe says the session is now (any order, any number of times)."""
    session = gateway.retrieve_checkout_session(session_id)
    payment = _payment_for(session)
    if payment is None:
        return None
    if session.payment_status == "paid":
        return _paid(payment.id, session)
    intent = session.payment_intent
    if session.status == "expired":
        return _set_state(
            payment.id, PaymentState.EXPIRED, "The checkout expired before anything was paid. Start the payment again."
        )
    if session.status == "complete" and intent is not None:
        if intent.status == "processing":
            return _set_state(
                payment.id,
                PaymentState.PROCESSING,
                "The bank payment is on its way; the challenge opens when it clears.",
            )
        if intent.status in ("requires_payment_method", "canceled"):
            return _set_state(
                payment.id,
                PaymentState.FAILED,
                "The bank payment failed. Nothing was taken; try again with another method.",
            )
    return payment


def _payment_for(session) -> Payment | None:
    payment = db.session.scalar(select(Payment).where(Payment.session_id == session.id))
    if payment is not None:
        return payment
    # The webhook can outrun the request that created the session: rebuild the row from Stripe.
    meta = gateway.metadata(session)
    if not meta.get("challenge_id") or not db.session.get(Challenge, int(meta["challenge_id"])):
        return None
    return _record_session(
        int(meta["challenge_id"]),
        None,
        session.id,
        int(meta.get("reward", 0)),
        int(meta.get("fee", 0)),
        session.currency,
    )


@writes
def _set_state(payment_id: int, state: str, message: str) -> Payment:
    payment = db.session.scalars(select(Payment).where(Payment.id == payment_id).with_for_update()).one()
    if payment.state in (PaymentState.PAID, PaymentState.UNUSED):  # money in: nothing later undoes it here
        db.session.rollback()
        return payment
    payment.state, payment.message = state, message
    db.session.commit()
    return payment


def _paid(payment_id: int, session) -> Payment:
    payment = db.session.get(Payment, payment_id)
    if payment.state in (PaymentState.PAID, PaymentState.UNUSED):
        return payment
    intent = session.payment_intent
    charge = gateway.retrieve_charge(intent.latest_charge)
    txn = charge.balance_transaction
    stripe_fee = int(getattr(txn, "fee", 0) or 0) if txn and not isinstance(txn, str) else 0
    return _open(payment, intent_id=intent.id, charge_id=charge.id, stripe_fee=stripe_fee)


def _open(payment: Payment, *, intent_id: str, charge_id: str, stripe_fee: int, now=None) -> Payment:
    """The money is in: open the challenge, then book the payment (unused when it cannot open)."""
    usable, message = True, ""
    try:  # idempotent by reference: safe to call again when this handler is retried
        seam.mark_funded(payment.challenge_id, payment.reward_amount, payment.currency, payment.session_id, now=now)
    except DomainError as error:
        usable, message = False, f"Paid, but the challenge could not open ({error.message}); it is refunded."
    return _book_payment(payment.id, intent_id, charge_id, stripe_fee, usable, message, now)


@writes
def _book_payment(payment_id, intent_id, charge_id, stripe_fee, usable, message, now=None) -> Payment:
    payment = db.session.scalars(
        select(Payment).where(Payment.id == payment_id).with_for_update().execution_options(populate_existing=True)
    ).one()
    if payment.state in (PaymentState.PAID, PaymentState.UNUSED):
        db.session.rollback()
        return payment
    payment.state = PaymentState.PAID if usable else PaymentState.UNUSED
    payment.payment_intent_id, payment.charge_id, payment.stripe_fee = intent_id, charge_id, stripe_fee
    payment.message, payment.paid_at = message, now or utcnow()
    cur, cid = payment.currency, payment.challenge_id
    ledger.post(
        f"payment:{payment.id}:paid",
        "funding",
        [
            (Account.CASH, payment.total),
            (Account.escrow(cid), -payment.reward_amount),
            (Account.FEE_REVENUE, -payment.fee_amount),
        ],
        cur,
        cid,
        f"Checkout {payment.session_id}" if payment.charge_id else "Paid in outside Stripe",
    )
    ledger.post(
        f"payment:{payment.id}:stripe_fee",
        "stripe_fee",
        [(Account.STRIPE_FEES, stripe_fee), (Account.CASH, -stripe_fee)],
        cur,
        cid,
    )
    db.session.commit()
    return payment


def latest_payment(challenge: Challenge) -> Payment | None:
    return db.session.scalar(
        select(Payment).where(Payment.challenge_id == challenge.id).order_by(Payment.id.desc()).limit(1)
    )


def funding_payment(challenge: Challenge) -> Payment | None:
    """The paid payment that opened the challenge."""
    if not challenge.funding_reference:
        return None
    return db.session.scalar(
        select(Payment).where(Payment.session_id == challenge.funding_reference, Payment.state == PaymentState.PAID)
    )
