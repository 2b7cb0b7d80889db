"""Flags (members' reports and the system's holds), and the log of every moderation action."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.clock import utcnow
from app.db_types import UTCDateTime
from app.extensions import db

REASONS = {"spam": "Spam", "abuse": "Abusive or harmful", "off_topic": "Off-topic", "duplicate": "Duplicate"}


class Flag(db.Model):
    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "reporter_id"),
        Index("ix_flags_board_open", "board_id", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(10))  # "idea" or "comment"
    target_id: Mapped[int] = mapped_column()
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    # The reporter's level when they reported, and what the report weighs towards hiding the
    # content (ideas.moderation.privileges); 0 for the flags the system raises.
    reporter_level: Mapped[int | None] = mapped_column()
    weight: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(String(20))  # "hidden", "dismissed"

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])


class ModerationLog(db.Model):
    __tablename__ = "moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    target_type: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


class HideVote(db.Model):
    """A trusted member's vote to hide content; enough of them hide it until a moderator looks."""

    __tablename__ = "hide_votes"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "user_id"),
        Index("ix_hide_votes_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    target_type: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int] = mapped_column()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DuplicateSuggestion(db.Model):
    """A member's note that an idea repeats another, for a product manager to merge or dismiss."""

    __tablename__ = "duplicate_suggestions"
    __table_args__ = (
        UniqueConstraint("idea_id", "suggested_by_id"),
        Index("ix_duplicate_suggestions_board_open", "board_id", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    duplicate_of_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    suggested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(String(20))  # "merged", "dismissed"

    suggested_by: Mapped[User] = relationship()
