"""Votes: one per member per idea, enforced by the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.clock import utcnow
from app.db_types import UTCDateTime
from app.extensions import db


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("idea_id", "user_id"),
        CheckConstraint("value IN (-1, 1)", name="value_is_up_or_down"),
        Index("ix_votes_user_created", "user_id", "created_at"),
        Index("ix_votes_idea_created", "idea_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a product manager recorded the vote for a customer (from a call or an email).
    proxy_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proxy_note: Mapped[str | None] = mapped_column(String(500))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    proxy_by: Mapped[User | None] = relationship(foreign_keys=[proxy_by_id])


class VoteBudget(db.Model):
    """How many active votes a member holds on a board with a vote budget. Spending is one
    conditional UPDATE (`used < budget`), so two concurrent votes cannot overspend it."""

    __tablename__ = "vote_budgets"
    __table_args__ = (UniqueConstraint("board_id", "user_id"), CheckConstraint("used >= 0", name="used_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    used: Mapped[int] = mapped_column(default=0)
