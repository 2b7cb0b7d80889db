"""Solvers' payout accounts: a Stripe connected account (Express dashboard) and onboarding links."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.extensions import db
from challenges.payments import gateway
from challenges.payments.models import PayoutAccount


def account_of(user: User) -> PayoutAccount | None:
    return db.session.scalar(select(PayoutAccount).where(PayoutAccount.user_id == user.id))


def onboarding_link(user: User, refresh_url: str, return_url: str) -> str:
    """A fresh single-use onboarding URL, creating the connected account the first time."""
    account = account_of(user)
    if account is None:
        made = gateway.create_account(key=gateway.key("account-user", user.id), email=user.email, user_id=user.id)
        account = _record(user.id, made.id)
    return gateway.create_account_link(account.account_id, refresh_url, return_url).url


@writes
def _record(user_id: int, account_id: str) -> PayoutAccount:
    account = PayoutAccount(user_id=user_id, account_id=account_id)
    db.session.add(account)
    try:
        db.session.commit()
    except IntegrityError:  # a second click replayed the same account (same idempotency key)
        db.session.rollback()
        return db.session.scalar(select(PayoutAccount).where(PayoutAccount.user_id == user_id))
    return account


def refresh(account_id: str) -> PayoutAccount | None:
    """Read the account from Stripe and store whether it can be paid; returns the row or None."""
    if db.session.scalar(select(PayoutAccount.id).where(PayoutAccount.account_id == account_id)) is None:
        return None
    remote = gateway.retrieve_account(account_id)
    return _store(account_id, bool(remote.payouts_enabled), bool(remote.details_submitted))


@writes
def _store(account_id: str, payouts_enabled: bool, details_submitted: bool) -> PayoutAccount:
    account = db.session.scalars(
        select(PayoutAccount)
        .where(PayoutAccount.account_id == account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    account.payouts_enabled, account.details_submitted, account.updated_at = (
        payouts_enabled,
        details_submitted,
        utcnow(),
    )
    db.session.commit()
    return account
