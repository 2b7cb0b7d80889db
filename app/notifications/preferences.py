"""Who gets mail about what. Mail goes only to active accounts with a confirmed address: an
unconfirmed address may belong to someone else, and a deactivated member asked for silence. They
still see everything in the app."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import select

from app.auth.models import User
from app.db_types import writes
from app.errors_domain import ValidationFailed
from app.extensions import db
from app.notifications import kinds
from app.notifications.models import MailPreference


def mail_enabled() -> bool:
    """NOTIFICATION_MAIL turns notification mail on or off for the whole site. It is on, except
    under TESTING where it is off unless a test turns it on: mail jobs running on threads beside
    a test's own writes make SQLite refuse the test's read-then-write transactions."""
    return bool(current_app.config["NOTIFICATION_MAIL"])


def mailable(user: User | None) -> bool:
    return bool(user and user.active and user.email_verified_at is not None)


def chosen(user_id: int) -> dict[str, str]:
    """Each mailed kind's delivery for this member: their choice or the kind's default."""
    rows = dict(
        db.session.execute(
            select(MailPreference.kind, MailPreference.delivery).where(MailPreference.user_id == user_id)
        ).all()
    )
    return {kind.key: rows.get(kind.key, kind.default) for kind in kinds.MAILED}


def deliveries(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """{user id: "immediately" | "daily"} for the recipients who get this kind by mail."""
    spec = kinds.KINDS.get(kind)
    ids = set(user_ids)
    if spec is None or not spec.mailed or not ids or not mail_enabled():
        return {}
    reachable = set(
        db.session.scalars(
            select(User.id).where(User.id.in_(ids), User.active.is_(True), User.email_verified_at.is_not(None))
        )
    )
    if not reachable:
        return {}
    chosen_here = dict(
        db.session.execute(
            select(MailPreference.user_id, MailPreference.delivery).where(
                MailPreference.kind == kind, MailPreference.user_id.in_(reachable)
            )
        ).all()
    )
    found = {uid: chosen_here.get(uid, spec.default) for uid in reachable}
    return {uid: delivery for uid, delivery in found.items() if delivery != kinds.OFF}


def _store(user_id: int, kind: str, delivery: str) -> None:
    row = db.session.scalar(
        select(MailPreference).where(MailPreference.user_id == user_id, MailPreference.kind == kind)
    )
    if row is None:
        db.session.add(MailPreference(user_id=user_id, kind=kind, delivery=delivery))
    else:
        row.delivery = delivery


@writes
def save(user: User, choices: dict[str, str]) -> None:
    """Store the member's choice for every mailed kind. Raises ValidationFailed, writing nothing,
    if a kind or a delivery is unknown."""
    errors = {
        key: ["Choose right away, daily digest or off."]
        for key, value in choices.items()
        if key not in kinds.KINDS or not kinds.KINDS[key].mailed or value not in kinds.DELIVERIES
    }
    if errors:
        raise ValidationFailed("Some choices were not understood; nothing was changed.", errors)
    for key, value in choices.items():
        _store(user.id, key, value)
    db.session.commit()


@writes
def turn_off(user_id: int, keys: Iterable[str]) -> list[str]:
    """Unsubscribe: the given kinds stop coming by mail. Returns the kinds turned off."""
    done = [key for key in keys if key in kinds.KINDS and kinds.KINDS[key].mailed]
    for key in done:
        _store(user_id, key, kinds.OFF)
    db.session.commit()
    return done
