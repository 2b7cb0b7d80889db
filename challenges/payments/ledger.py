"""The double-entry ledger: balanced journals, posted once each by reference, never edited."""

from __future__ import annotations

from sqlalchemy import func, select

from app.errors_domain import Conflict
from app.extensions import db
from challenges.payments.models import Account, Entry, Journal


class Unbalanced(Conflict):
    """A journal whose entries do not sum to zero per currency, or that would make escrow negative."""


def post(
    ref: str, kind: str, entries: list[tuple[str, int]], currency: str, challenge_id: int | None = None, memo: str = ""
) -> Journal | None:
    """Add a journal in the caller's transaction; None when `ref` was posted before (exactly once).

    Raises Unbalanced when the entries do not sum to zero or an escrow account would go negative."""
    entries = [(account, amount) for account, amount in entries if amount]
    if sum(amount for _, amount in entries) != 0:
        raise Unbalanced(f"Journal {ref} does not balance.")
    if db.session.scalar(select(Journal.id).where(Journal.ref == ref)) is not None:
        return None
    for account, amount in entries:
        if account.startswith("escrow:") and amount > 0 and held_in(account, currency) < amount:
            raise Unbalanced(f"Journal {ref} would take more out of {account} than it holds.")
    journal = Journal(ref=ref, kind=kind, challenge_id=challenge_id, memo=memo[:255])
    journal.entries = [Entry(account=account, amount=amount, currency=currency) for account, amount in entries]
    db.session.add(journal)
    db.session.flush()
    return journal


def balance(account: str, currency: str) -> int:
    """Debits minus credits."""
    return (
        db.session.scalar(
            select(func.coalesce(func.sum(Entry.amount), 0)).where(Entry.account == account, Entry.currency == currency)
        )
        or 0
    )


def held_in(account: str, currency: str) -> int:
    """What a liability account (escrow, payable) holds: its credit balance."""
    return -balance(account, currency)


def held(challenge_id: int, currency: str) -> int:
    return held_in(Account.escrow(challenge_id), currency)


def unbalanced_journals() -> list[str]:
    """References of journals whose entries do not sum to zero per currency (should be none)."""
    rows = db.session.execute(
        select(Journal.ref)
        .join(Entry)
        .group_by(Journal.id, Journal.ref, Entry.currency)
        .having(func.sum(Entry.amount) != 0)
    )
    return [ref for (ref,) in rows]


def challenge_totals(challenge_id: int, currency: str) -> dict[str, int]:
    """Reward money of one challenge: funded = awarded + refunded + held, from the journals."""
    escrow = Account.escrow(challenge_id)
    rows = db.session.execute(
        select(Journal.kind, func.sum(Entry.amount))
        .join(Entry)
        .where(Entry.account == escrow, Entry.currency == currency)
        .group_by(Journal.kind)
    )
    by_kind = {kind: int(total or 0) for kind, total in rows}
    return {
        "funded": -by_kind.get("funding", 0),
        "awarded": by_kind.get("award", 0),
        "refunded": by_kind.get("refund", 0),
        "held": held(challenge_id, currency),
    }
