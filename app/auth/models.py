"""Accounts, their server-side sessions, and the failed-login throttle."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import ClassVar

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.db_types import UTCDateTime
from app.extensions import db

AVATAR_COLOURS = 8


def token_digest(token: str) -> str:
    """Secrets are stored as SHA-256 digests: high-entropy tokens need no slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised (lower case); the unique index makes duplicates impossible.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    bio: Mapped[str] = mapped_column(Text, default="")
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sessions: Mapped[list[AuthSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # The id of the session this request was authenticated with (set by the user loader), not a column.
    auth_session_id: ClassVar[int | None] = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_id(self) -> str | None:
        """Flask-Login keeps this in the session cookie: the session token, not the user id,
        so that logging out (or a password change) ends the session on the server."""
        return getattr(self, "_session_token", None)

    @property
    def initials(self) -> str:
        parts = [p for p in self.display_name.split() if p]
        letters = "".join(p[0] for p in parts[:2]) or self.email[:1]
        return letters.upper()

    @property
    def avatar_colour(self) -> int:
        return self.id % AVATAR_COLOURS if self.id else 0

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class AuthSession(db.Model):
    """One signed-in browser or device. Deleting the row signs it out everywhere it is used."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    remember: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="sessions")


class LoginThrottle(db.Model):
    """Failed logins per email address, whether or not an account exists for it, so the
    lockout itself reveals nothing about which addresses are registered."""

    __tablename__ = "login_throttles"

    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
