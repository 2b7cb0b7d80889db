"""In-app notifications: written in the transaction of the event that caused them. notify() is the
one way in: it also decides, per recipient, whether the notification goes out by mail right away
(a job runs after the commit), in the daily digest, or not at all (see preferences)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, func, select, update

from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.extensions import db
from app.notifications import kinds, mailing, preferences
from app.notifications.models import Notification

PAGE_SIZE = 30


def notify(user_ids: Iterable[int], kind: str, text: str, link: str = "", actor_id: int | None = None) -> int:
    """One notification per recipient; the actor is never told of their own action."""
    recipients = sorted({uid for uid in user_ids if uid and uid != actor_id})
    if not recipients:
        return 0
    mail = preferences.deliveries(recipients, kind)
    db.session.add_all(
        Notification(
            user_id=uid, kind=kind, text=text[:500], link=link[:500], actor_id=actor_id, mail=mail.get(uid, "")
        )
        for uid in recipients
    )
    mailing.enqueue_for(uid for uid, delivery in mail.items() if delivery == kinds.IMMEDIATELY)
    return len(recipients)


# The bell on every signed-in page: built once (a statement built per call costs more CPU than
# SQLite takes to run it).
_UNREAD = (
    select(func.count())
    .select_from(Notification)
    .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
)


def unread_count(user: User) -> int:
    return db.session.scalar(_UNREAD, {"user_id": user.id})


def recent(user: User, before_id: int | None = None, limit: int = PAGE_SIZE) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if before_id:
        query = query.where(Notification.id < before_id)
    return list(db.session.scalars(query.order_by(Notification.id.desc()).limit(limit)))


@writes
def mark_read(user: User, notification_id: int) -> bool:
    changed = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount
    db.session.commit()
    return bool(changed)


@writes
def mark_all_read(user: User) -> int:
    changed = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount
    db.session.commit()
    return changed


def unread_context() -> dict:
    """For the bell on every page."""
    from flask_login import current_user

    return {"unread_notifications": unread_count(current_user) if current_user.is_authenticated else 0}
