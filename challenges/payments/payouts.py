"""Paying winners: one Payout row per accepted award, written before its Stripe transfer.

The row's key (payout id + attempt) names exactly one transfer, so a retry after a timeout replays
it; only a failed or reversed payout that someone retries moves to a new attempt (a new transfer).
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from app import events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed
from app.extensions import db
from challenges import policy
from challenges.models import Award, Challenge
from challenges.payments import gateway, ledger
from challenges.payments.funding import funding_payment, is_outside_stripe, transfer_group
from challenges.payments.models import Account, Payout, PayoutAccount, PayoutState
from challenges.services import funding as seam

log = logging.getLogger(__name__)
WAITING = "Waiting for the winner to connect a payout account."
OUTSIDE = "The reward was paid in outside Stripe (demo data), so Stripe cannot pay it out."


def ensure_payout(award: Award) -> Payout:
    """The award's Payout, created with its escrow -> payable journal in the caller's transaction."""
    payout = db.session.scalar(select(Payout).where(Payout.award_id == award.id))
    if payout is not None:
        return payout
    payout = Payout(
        award_id=award.id,
        challenge_id=award.challenge_id,
        user_id=award.solver_id,
        amount=award.amount,
        currency=award.currency,
        message=WAITING,
    )
    db.session.add(payout)
    db.session.flush()  # the unique award_id refuses a twin here
    ledger.post(
        f"award:{award.id}",
        "award",
        [(Account.escrow(award.challenge_id), award.amount), (Account.payable(award.solver_id), -award.amount)],
        award.currency,
        award.challenge_id,
        f"Award {award.id}, place {award.place}",
    )
    return payout


def _locked(payout_id: int) -> Payout:
    return db.session.scalars(
        select(Payout).where(Payout.id == payout_id).with_for_update().execution_options(populate_existing=True)
    ).one()


@writes
def _claim(payout_id: int) -> tuple[Payout, dict | None]:
    """Decide under the row lock whether to call Stripe, and with what."""
    payout = _locked(payout_id)
    if payout.state not in (PayoutState.PENDING, PayoutState.IN_TRANSIT):
        db.session.rollback()
        return payout, None
    account = db.session.scalar(select(PayoutAccount).where(PayoutAccount.user_id == payout.user_id))
    challenge = db.session.get(Challenge, payout.challenge_id)
    source = funding_payment(challenge)
    if account is None or not account.payouts_enabled or source is None:
        payout.state, payout.message = PayoutState.PENDING, WAITING if source else "Waiting for the funding payment."
        db.session.commit()
        return payout, None
    if is_outside_stripe(source):
        payout.state, payout.message = PayoutState.PENDING, OUTSIDE
        db.session.commit()
        return payout, None
    payout.state, payout.destination, payout.updated_at = PayoutState.IN_TRANSIT, account.account_id, utcnow()
    call = dict(
        key=payout.idempotency_key,
        amount=payout.amount,
        currency=payout.currency,
        destination=account.account_id,
        source_transaction=source.charge_id,
        transfer_group=transfer_group(payout.challenge_id),
        metadata={
            "payout_id": str(payout.id),
            "award_id": str(payout.award_id),
            "challenge_id": str(payout.challenge_id),
        },
    )
    db.session.commit()
    return payout, call


def pay(payout_id: int) -> Payout:
    """Transfer the payout if it can go now; safe to call any number of times, concurrently too."""
    payout, call = _claim(payout_id)
    if call is None:
        return payout
    try:
        transfer = gateway.create_transfer(**call)
    except gateway.Unreachable as error:  # Stripe may have done it: keep the key and try again later
        log.warning(
            "payout %s: Stripe did not answer the transfer (%s)", payout_id, type(error).__name__, extra=_ids(payout)
        )
        return _note(payout_id, call["key"], f"Stripe did not answer ({type(error).__name__}); retrying.")
    except gateway.Refused as error:
        log.warning("payout %s: Stripe refused the transfer: %s", payout_id, error, extra=_ids(payout))
        return _failed(payout_id, call["key"], getattr(error, "user_message", None) or str(error))
    return _transferred(payout_id, call["key"], transfer.id)


@writes
def _note(payout_id, key, message) -> Payout:
    payout = _locked(payout_id)
    if payout.idempotency_key == key and payout.state == PayoutState.IN_TRANSIT:
        payout.message, payout.updated_at = message[:255], utcnow()
    db.session.commit()
    return payout


@writes
def _failed(payout_id, key, message) -> Payout:
    payout = _locked(payout_id)
    if payout.idempotency_key == key and payout.state == PayoutState.IN_TRANSIT:
        payout.message = message[:255]
        _move(payout, PayoutState.FAILED)
    db.session.commit()
    return payout


def _move(payout: Payout, state: str) -> None:
    """Every change to paid, failed or reversed goes through here, so the winner hears of each."""
    payout.state, payout.updated_at = state, utcnow()
    events.publish(
        events.PayoutStateChanged(
            payout.id, payout.user_id, payout.challenge_id, payout.amount, payout.currency, state, payout.message
        )
    )


def _ids(payout: Payout) -> dict:
    return {"payout_id": payout.id, "challenge_id": payout.challenge_id, "award_id": payout.award_id}


def _transferred(payout_id, key, transfer_id) -> Payout:
    payout = _book_transfer(payout_id, key, transfer_id)
    if payout.state == PayoutState.PAID:
        seam.mark_award_paid(payout.award_id)
    return payout


@writes
def _book_transfer(payout_id, key, transfer_id) -> Payout:
    payout = _locked(payout_id)
    if payout.idempotency_key != key or payout.state not in (PayoutState.IN_TRANSIT, PayoutState.PENDING):
        db.session.rollback()
        return payout
    payout.transfer_id, payout.message, payout.paid_at = transfer_id, "", utcnow()
    _move(payout, PayoutState.PAID)
    ledger.post(
        f"payout:{payout.id}:{payout.attempt}:paid",
        "payout",
        [(Account.payable(payout.user_id), payout.amount), (Account.CASH, -payout.amount)],
        payout.currency,
        payout.challenge_id,
        f"Transfer {transfer_id}",
    )
    db.session.commit()
    return payout


def can_retry(user: User | None, payout: Payout) -> bool:
    if not policy.signed_in(user):
        return False
    if user.id == payout.user_id or getattr(user, "is_site_admin", False):
        return True
    return policy.can_manage(user, db.session.get(Challenge, payout.challenge_id))


def retry(actor: User, payout: Payout) -> Payout:
    """A failed or reversed payout gets a new attempt (a new key: a new transfer); a pending or
    in-transit one is simply tried again with its key. Raises NotAllowed or Conflict (already paid)."""
    if not can_retry(actor, payout):
        raise NotAllowed("Only the winner or the organisation can retry this payout.")
    _reopen(payout.id)
    payout = pay(payout.id)
    return payout


@writes
def _reopen(payout_id: int) -> None:
    payout = _locked(payout_id)
    if payout.state == PayoutState.PAID:
        db.session.rollback()
        raise Conflict("This payout has been paid.")
    if payout.state in PayoutState.RETRYABLE:
        payout.attempt += 1
        payout.state, payout.transfer_id, payout.updated_at = PayoutState.PENDING, "", utcnow()
    db.session.commit()


def sync_transfer(transfer_id: str) -> Payout | None:
    """A transfer changed at Stripe (e.g. reversed from the Dashboard): follow it."""
    transfer = gateway.retrieve_transfer(transfer_id)
    payout_id = gateway.metadata(transfer).get("payout_id")
    if not payout_id:
        return None
    return _follow_transfer(int(payout_id), transfer.id, bool(transfer.reversed), int(transfer.amount_reversed or 0))


@writes
def _follow_transfer(payout_id, transfer_id, reversed_, amount_reversed) -> Payout | None:
    payout = db.session.scalars(select(Payout).where(Payout.id == payout_id).with_for_update()).first()
    if payout is None or payout.transfer_id != transfer_id or not reversed_ or payout.state != PayoutState.PAID:
        db.session.rollback()
        return payout
    payout.message = "The transfer was reversed; retry to pay again."
    _move(payout, PayoutState.REVERSED)
    ledger.post(
        f"payout:{payout.id}:{payout.attempt}:reversed",
        "reversal",
        [(Account.CASH, amount_reversed), (Account.payable(payout.user_id), -amount_reversed)],
        payout.currency,
        payout.challenge_id,
        f"Reversal of {transfer_id}",
    )
    db.session.commit()
    return payout


def open_payouts(user_id: int | None = None, challenge_id: int | None = None) -> list[Payout]:
    query = select(Payout).where(Payout.state.in_((PayoutState.PENDING, PayoutState.IN_TRANSIT)))
    if user_id is not None:
        query = query.where(Payout.user_id == user_id)
    if challenge_id is not None:
        query = query.where(Payout.challenge_id == challenge_id)
    return list(db.session.scalars(query.order_by(Payout.id)))
