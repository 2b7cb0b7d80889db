"""Reading notification mail from the loopback SMTP server."""

from __future__ import annotations

from app.extensions import db
from app.jobs import wait_idle
from app.notifications import preferences


def mails(mailbox, user, kind: str) -> list:
    """Mail of one kind ("digest" for digests) that reached `user`, once the jobs are done."""
    assert wait_idle(20), "jobs still running"
    db.session.commit()  # read what the jobs wrote, not this session's older snapshot
    db.session.expire_all()
    return [m for m in mailbox.to(user.email) if m["X-Ideaforge-Kind"] == kind]


def choose(user, kind: str, delivery: str) -> None:
    preferences.save(user, {kind: delivery})
