"""Notifications by mail, always through a job that runs after the notifying transaction commits:
"immediately" sends one mail per notification, "daily" waits for `flask notifications send-digests`.
A notification is claimed (mailed_at set) before its mail goes out and released if the server
refuses, so the job's retries deliver it exactly once."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from urllib.parse import urljoin

from flask import current_app
from sqlalchemy import select, update

from app.auth import tokens
from app.auth.models import User
from app.clock import utcnow
from app.db_types import begin_write
from app.extensions import db
from app.jobs import enqueue, job
from app.mail import send_mail
from app.notifications import kinds, preferences
from app.notifications.models import Notification
from app.urls import external_url

UNSUBSCRIBE = "unsubscribe"
DIGEST = "digest"  # an unsubscribe token for this "kind" turns off every kind the member gets daily
TOKEN_MAX_AGE = 60 * 60 * 24 * 365 * 5  # links in old mail keep working for years


def unsubscribe_token(user_id: int, kind: str) -> str:
    return tokens.sign(UNSUBSCRIBE, {"u": user_id, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """Raises tokens.InvalidToken."""
    payload = tokens.load(UNSUBSCRIBE, token, TOKEN_MAX_AGE)
    if not isinstance(payload.get("u"), int) or not isinstance(payload.get("k"), str):
        raise tokens.InvalidToken("This link is not valid.")
    return payload["u"], payload["k"]


def unsubscribe_url(user_id: int, kind: str) -> str:
    return external_url("notifications.unsubscribe", token=unsubscribe_token(user_id, kind))


def absolute(link: str) -> str:
    return urljoin(external_url("main.home"), link) if link else external_url("notifications.index")


def _headers(unsubscribe: str, kind: str) -> dict[str, str]:
    # RFC 8058: mail clients offer "unsubscribe" and POST to the link without opening it. The kind
    # lets members sort notification mail with their own filters.
    return {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "X-Ideaforge-Kind": kind,
    }


def _render(template: str, **context) -> str:
    # Straight from the environment: jobs run outside any request, where the page context
    # processors (the signed-in user ...) have nothing to work with.
    return current_app.jinja_env.get_template(f"mail/notifications/{template}.txt").render(**context)


def enqueue_for(user_ids) -> None:
    """Called by notify(), in the notifying transaction."""
    for user_id in sorted(set(user_ids)):
        enqueue("notifications.mail", user_id=user_id)


# --------------------------------------------------------------------------- immediately


def _claim(ids: list[int], now: datetime) -> bool:
    begin_write(db.session)  # SQLite: take the write lock first, so a concurrent writer makes us wait, not fail
    taken = db.session.execute(
        update(Notification).where(Notification.id.in_(ids), Notification.mailed_at.is_(None)).values(mailed_at=now)
    ).rowcount
    if taken != len(ids):
        db.session.rollback()
        return False
    db.session.commit()
    return True


def _release(ids: list[int]) -> None:
    db.session.rollback()
    begin_write(db.session)
    db.session.execute(update(Notification).where(Notification.id.in_(ids)).values(mailed_at=None))
    db.session.commit()


@job("notifications.mail")
def mail_pending(payload: dict) -> None:
    """Send the member's waiting "immediately" notifications, one mail each. Raises (so the job
    is retried) when the mail server refuses; what was sent before stays sent."""
    user = db.session.get(User, payload["user_id"])
    if user is None:
        return
    waiting = list(
        db.session.scalars(
            select(Notification)
            .where(
                Notification.user_id == user.id,
                Notification.mail == kinds.IMMEDIATELY,
                Notification.mailed_at.is_(None),
            )
            .order_by(Notification.id)
        )
    )
    wanted = preferences.chosen(user.id)
    for note in waiting:
        if not _claim([note.id], utcnow()):
            continue  # another job took it
        if not preferences.mailable(user) or wanted.get(note.kind) == kinds.OFF:
            continue  # unsubscribed or deactivated since: claimed and dropped
        try:
            send_single(user, note)
        except Exception:
            _release([note.id])
            raise


def send_single(user: User, note: Notification) -> None:
    unsubscribe = unsubscribe_url(user.id, note.kind)
    text = _render(
        "single",
        user=user,
        note=note,
        link=absolute(note.link),
        kind=kinds.KINDS.get(note.kind),
        unsubscribe=unsubscribe,
        settings=external_url("notifications.settings"),
    )
    subject = note.text if len(note.text) <= 120 else note.text[:119] + "…"
    send_mail(user.email, subject, text, headers=_headers(unsubscribe, note.kind))


# --------------------------------------------------------------------------- daily digest


def send_digests(now: datetime | None = None) -> int:
    """Claim each member's waiting daily notifications and enqueue one digest mail for them.
    Returns how many digests were queued; running it again queues none for the same notifications."""
    now = now or utcnow()
    pending = (Notification.mail == kinds.DAILY, Notification.mailed_at.is_(None), Notification.created_at <= now)
    user_ids = list(db.session.scalars(select(Notification.user_id).where(*pending).distinct()))
    db.session.rollback()
    queued = 0
    for user_id in user_ids:
        begin_write(db.session)
        ids = list(db.session.scalars(select(Notification.id).where(Notification.user_id == user_id, *pending)))
        taken = db.session.execute(
            update(Notification).where(Notification.id.in_(ids), Notification.mailed_at.is_(None)).values(mailed_at=now)
        ).rowcount
        if not ids or taken != len(ids):
            db.session.rollback()  # a concurrent run has them
            continue
        enqueue("notifications.digest", user_id=user_id, ids=ids)
        db.session.commit()
        queued += 1
    return queued


@job("notifications.digest")
def mail_digest(payload: dict) -> None:
    user = db.session.get(User, payload["user_id"])
    if not preferences.mailable(user):
        return
    wanted = preferences.chosen(user.id)
    notes = [
        note
        for note in db.session.scalars(
            select(Notification)
            .where(Notification.id.in_(payload["ids"]), Notification.user_id == user.id)
            .order_by(Notification.id)
        )
        if wanted.get(note.kind) != kinds.OFF
    ]
    if notes:
        send_digest(user, notes)


def send_digest(user: User, notes: list[Notification]) -> None:
    grouped: dict[str, list[Notification]] = defaultdict(list)
    for note in notes:
        grouped[note.kind].append(note)
    sections = [
        {
            "label": kinds.label(kind),
            "notes": [(note, absolute(note.link)) for note in items],
            "unsubscribe": unsubscribe_url(user.id, kind),
        }
        for kind, items in grouped.items()
    ]
    unsubscribe = unsubscribe_url(user.id, DIGEST)
    text = _render(
        "digest",
        user=user,
        sections=sections,
        count=len(notes),
        unsubscribe=unsubscribe,
        settings=external_url("notifications.settings"),
    )
    noun = "notification" if len(notes) == 1 else "notifications"
    send_mail(user.email, f"Your daily digest: {len(notes)} {noun}", text, headers=_headers(unsubscribe, DIGEST))
