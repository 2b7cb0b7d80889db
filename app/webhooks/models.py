"""Outgoing webhooks: an organisation's endpoints, each event's delivery to one of them, and
every attempt to deliver it (so the log shows exactly what the receiver answered)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.db_types import UTCDateTime
from app.extensions import db
from app.orgs.models import Organisation

# The events an endpoint may ask for, with the label its form shows.
EVENT_TYPES = {
    "idea.created": "An idea is posted",
    "idea.status_changed": "An idea's status changes",
    "idea.vote_threshold": "An idea reaches 10, 50, 100 or 500 up-votes",
    "question.created": "A question is asked",
    "question.solved": "A question gets its first accepted solution",
    "challenge.submission_received": "A challenge receives a submission",
    "challenge.award_made": "A challenge award is made",
}
PING = "ping"


class DeliveryState:
    PENDING = "pending"  # waiting for its first attempt or a retry
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # every attempt failed; can be redelivered by hand

    LABELS = {PENDING: "Pending", SUCCEEDED: "Delivered", FAILED: "Failed"}


class WebhookEndpoint(db.Model):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    # Needed in the clear to sign each payload; shown to the admins once, when made or rotated.
    secret: Mapped[str] = mapped_column(String(100))
    events: Mapped[str] = mapped_column(Text, default="")  # space-separated EVENT_TYPES keys
    active: Mapped[bool] = mapped_column(default=True)
    # Why it was paused by the system (repeated failures); empty when an admin paused it.
    paused_reason: Mapped[str] = mapped_column(String(300), default="")
    # Deliveries that failed for good since the last success.
    failure_streak: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    secret_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()

    @property
    def event_list(self) -> list[str]:
        return [name for name in self.events.split() if name in EVENT_TYPES]

    def wants(self, event_type: str) -> bool:
        return event_type in self.events.split()


class WebhookDelivery(db.Model):
    """One event sent to one endpoint (a redelivery is a new row naming the one it repeats)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(40))  # the payload's id, shared by every endpoint
    event_type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)  # the exact JSON body sent
    state: Mapped[str] = mapped_column(String(20), default=DeliveryState.PENDING)
    attempt_count: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=1)
    last_status_code: Mapped[int | None] = mapped_column()
    redelivery_of_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship()
    attempts: Mapped[list[DeliveryAttempt]] = relationship(
        back_populates="delivery", order_by="DeliveryAttempt.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def state_label(self) -> str:
        return DeliveryState.LABELS.get(self.state, self.state)


class DeliveryAttempt(db.Model):
    __tablename__ = "webhook_delivery_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column()
    response_body: Mapped[str] = mapped_column(Text, default="")  # truncated
    error: Mapped[str] = mapped_column(String(500), default="")
    duration_ms: Mapped[int] = mapped_column(default=0)

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempts")

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class VoteThresholdCrossing(db.Model):
    """An idea's up-votes reached a threshold: recorded once, so it is announced once."""

    __tablename__ = "webhook_vote_thresholds"

    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True)
    threshold: Mapped[int] = mapped_column(primary_key=True)
    crossed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
