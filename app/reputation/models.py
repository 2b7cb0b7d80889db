"""Reputation as an append-only list of events, with each member's total per organisation
cached beside it (changed by atomic UPDATEs in the same transaction), and milestone badges."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.clock import utcnow
from app.db_types import UTCDateTime
from app.extensions import db


class ReputationEvent(db.Model):
    """One change of a member's points in an organisation's community, with its reason."""

    __tablename__ = "reputation_events"
    __table_args__ = (
        Index("ix_reputation_events_member", "organisation_id", "user_id", "created_at"),
        Index("ix_reputation_events_org_created", "organisation_id", "created_at"),
        Index("ix_reputation_events_subject", "kind", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    points: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(30))
    subject_type: Mapped[str | None] = mapped_column(String(12))
    subject_id: Mapped[int | None] = mapped_column()
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReputationTotal(db.Model):
    """A member's points in one community: the sum of their events, kept in step with them."""

    __tablename__ = "reputation_totals"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id"),
        Index("ix_reputation_totals_rank", "organisation_id", "points", "user_id"),
        Index("ix_reputation_totals_user", "user_id"),
        # The Super Fan boundary (lowest flagged, best unflagged) in one index lookup per vote.
        Index("ix_reputation_totals_fans", "organisation_id", "super_fan", "points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    points: Mapped[int] = mapped_column(default=0)
    super_fan: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class Badge(db.Model):
    """A milestone reached in a community; each badge once per member and community."""

    __tablename__ = "reputation_badges"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id", "badge"),
        Index("ix_reputation_badges_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    badge: Mapped[str] = mapped_column(String(30))
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
