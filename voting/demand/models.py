"""What a customer is worth to an organisation, for weighing demand: segments with weights, and
segments or yearly revenue attached to customer accounts by email domain or one by one.

A voter's value is resolved per organisation (see `voting.demand`): a one-by-one
`CustomerValue` overrides the `CustomerDomain` rule of their email domain, field by field.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.clock import utcnow
from app.db_types import UTCDateTime
from app.extensions import db

MAX_WEIGHT = 10_000
MAX_REVENUE = 10**15  # whole currency units a year


class Segment(db.Model):
    """A class of customers (Enterprise, Pro, Free) and how much one of their votes weighs."""

    __tablename__ = "customer_segments"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name"),
        CheckConstraint(f"weight >= 0 AND weight <= {MAX_WEIGHT}", name="weight_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    weight: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustomerDomain(db.Model):
    """Everyone whose address ends in `@domain` is one customer account of this segment and
    yearly revenue (either may be empty)."""

    __tablename__ = "customer_domains"
    __table_args__ = (
        UniqueConstraint("organisation_id", "domain"),
        CheckConstraint(
            f"yearly_revenue IS NULL OR (yearly_revenue >= 0 AND yearly_revenue <= {MAX_REVENUE})",
            name="revenue_in_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(253))
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("customer_segments.id", ondelete="SET NULL"), index=True)
    yearly_revenue: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    segment: Mapped[Segment | None] = relationship()


class CustomerValue(db.Model):
    """One customer set one by one; overrides their domain's segment and/or revenue. With a
    revenue of its own the person is an account of their own."""

    __tablename__ = "customer_values"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id"),
        CheckConstraint(
            f"yearly_revenue IS NULL OR (yearly_revenue >= 0 AND yearly_revenue <= {MAX_REVENUE})",
            name="revenue_in_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("customer_segments.id", ondelete="SET NULL"), index=True)
    yearly_revenue: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    segment: Mapped[Segment | None] = relationship()
