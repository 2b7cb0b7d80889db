"""How long a signed-in session lasts on the server: the one rule, in Python for the request
that presents a session and in SQL for listing and purging them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_

from app.auth.models import AuthSession


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta  # unused this long, a session without "keep me signed in" ends
    remembered_idle: timedelta  # ... and one with it
    max_age: timedelta  # no session outlives this, used or not

    def expired(self, now: datetime, created_at: datetime, last_seen_at: datetime, remember: bool) -> bool:
        idle = self.remembered_idle if remember else self.idle
        return now - created_at > self.max_age or now - last_seen_at > idle

    def expired_clause(self, now: datetime):
        return or_(
            AuthSession.created_at < now - self.max_age,
            and_(AuthSession.remember.is_(True), AuthSession.last_seen_at < now - self.remembered_idle),
            and_(AuthSession.remember.is_(False), AuthSession.last_seen_at < now - self.idle),
        )


def lifetimes() -> Lifetimes:
    config = current_app.config
    return Lifetimes(
        idle=timedelta(hours=config["SESSION_IDLE_HOURS"]),
        remembered_idle=timedelta(days=config["REMEMBERED_SESSION_IDLE_DAYS"]),
        max_age=timedelta(days=config["SESSION_MAX_AGE_DAYS"]),
    )
