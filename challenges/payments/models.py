"""Money rows: an append-only double-entry ledger, and one row per thing Stripe did for us
(a checkout payment, a payout per award, a refund, a connected account, a webhook event).

Amounts are integers in minor units with the currency beside them. A row that leads to a Stripe
call is written before the call, and carries the idempotency key that call uses.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.db_types import UTCDateTime
from app.extensions import db


class Account:
    """Ledger account names. Positive entries are debits, negative credits; every journal sums to 0."""

    CASH = "platform_cash"  # our Stripe balance
    FEE_REVENUE = "fee_revenue"  # the platform fee we keep
    STRIPE_FEES = "stripe_fees"  # what Stripe charged us

    @staticmethod
    def escrow(challenge_id: int) -> str:
        return f"escrow:challenge:{challenge_id}"

    @staticmethod
    def payable(user_id: int) -> str:
        return f"payable:user:{user_id}"


class Journal(db.Model):
    """One balanced movement; `ref` makes each posting happen once (e.g. "payment:3:paid")."""

    __tablename__ = "ledger_journals"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenges.id", ondelete="SET NULL"), index=True)
    memo: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entries: Mapped[list[Entry]] = relationship(back_populates="journal", order_by="Entry.id")


class Entry(db.Model):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        Index("ix_ledger_entries_account", "account", "currency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("ledger_journals.id", ondelete="RESTRICT"), index=True)
    account: Mapped[str] = mapped_column(String(60))
    amount: Mapped[int] = mapped_column(Integer)  # minor units; debit positive
    currency: Mapped[str] = mapped_column(String(3))

    journal: Mapped[Journal] = relationship(back_populates="entries")


class PaymentState:
    OPEN = "open"  # checkout session created, nothing paid yet
    PROCESSING = "processing"  # completed with a bank payment still to settle
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"
    UNUSED = "unused"  # paid, but the challenge could not take it (already funded, deadline passed)
    LABELS = {
        OPEN: "Awaiting payment",
        PROCESSING: "Confirming",
        PAID: "Paid",
        FAILED: "Failed",
        EXPIRED: "Expired",
        UNUSED: "Paid, not needed",
    }


class Payment(db.Model):
    """An organisation funding a challenge through one Checkout Session: reward plus platform fee."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="RESTRICT"), index=True)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    session_id: Mapped[str] = mapped_column(String(255), unique=True)
    payment_intent_id: Mapped[str] = mapped_column(String(255), default="")
    charge_id: Mapped[str] = mapped_column(String(255), default="")
    reward_amount: Mapped[int] = mapped_column(Integer)
    fee_amount: Mapped[int] = mapped_column(Integer)
    stripe_fee: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    state: Mapped[str] = mapped_column(String(20), default=PaymentState.OPEN)
    message: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def total(self) -> int:
        return self.reward_amount + self.fee_amount


class PayoutState:
    PENDING = "pending"  # waiting for the winner's payout account
    IN_TRANSIT = "in_transit"  # the transfer is being made (or timed out: retried with the same key)
    PAID = "paid"
    FAILED = "failed"
    REVERSED = "reversed"
    LABELS = {PENDING: "Pending", IN_TRANSIT: "In transit", PAID: "Paid", FAILED: "Failed", REVERSED: "Reversed"}
    RETRYABLE = (FAILED, REVERSED)


class Payout(db.Model):
    """One award share paid to its winner by one Stripe transfer; unique per award."""

    __tablename__ = "payouts"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("challenge_awards.id", ondelete="RESTRICT"), unique=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="RESTRICT"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    state: Mapped[str] = mapped_column(String(20), default=PayoutState.PENDING)
    # Bumped only when a failed or reversed payout is retried: the key then names a new transfer.
    attempt: Mapped[int] = mapped_column(default=1)
    transfer_id: Mapped[str] = mapped_column(String(255), default="")
    destination: Mapped[str] = mapped_column(String(255), default="")
    message: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def idempotency_key(self) -> str:
        return f"ideaforge-payout-{self.id}-{self.attempt}"


class RefundState:
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    LABELS = {PENDING: "Pending", SUCCEEDED: "Refunded", FAILED: "Failed"}


class Refund(db.Model):
    """Money going back to the payer; at most one per payment (what is due is known when it is made)."""

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("reward_part >= 0 AND fee_part >= 0", name="parts_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="RESTRICT"), unique=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="RESTRICT"), index=True)
    reward_part: Mapped[int] = mapped_column(Integer)
    fee_part: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(255), default="")
    state: Mapped[str] = mapped_column(String(20), default=RefundState.PENDING)
    refund_id: Mapped[str] = mapped_column(String(255), default="")
    message: Mapped[str] = mapped_column(String(255), default="")
    # Stripe replays a refusal for the key that got it: a retry after a refusal is a new attempt.
    attempt: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    payment: Mapped[Payment] = relationship()

    @property
    def amount(self) -> int:
        return self.reward_part + self.fee_part

    @property
    def idempotency_key(self) -> str:
        first = f"ideaforge-refund-{self.id}"
        return first if self.attempt == 1 else f"{first}-{self.attempt}"


class PayoutAccount(db.Model):
    """A solver's Stripe connected account."""

    __tablename__ = "payout_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), unique=True)
    account_id: Mapped[str] = mapped_column(String(255), unique=True)
    payouts_enabled: Mapped[bool] = mapped_column(default=False)
    details_submitted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookEvent(db.Model):
    """Each Stripe event once, by its id; `processed_at` is set when its handler finished."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    account: Mapped[str] = mapped_column(String(255), default="")
    created: Mapped[int] = mapped_column(Integer, default=0)  # Stripe's timestamp
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(Text, default="")
