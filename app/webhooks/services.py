"""Managing an organisation's webhook endpoints, and turning events into deliveries."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import ValidationFailed
from app.extensions import db
from app.orgs.models import Organisation
from app.webhooks import delivery as sending
from app.webhooks.addresses import check_url
from app.webhooks.models import EVENT_TYPES, PING, DeliveryState, WebhookDelivery, WebhookEndpoint

PAGE_SIZE = 30
MAX_ENDPOINTS = 20  # per organisation


@dataclass
class EndpointInput:
    url: str
    events: list[str] = field(default_factory=list)
    description: str = ""
    active: bool = True


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _checked(data: EndpointInput) -> EndpointInput:
    """Raises ValidationFailed naming the fields at fault."""
    url = check_url(data.url)
    unknown = [name for name in data.events if name not in EVENT_TYPES]
    if unknown:
        raise ValidationFailed("Unknown event.", {"events": [f"Unknown event: {', '.join(unknown)}."]})
    if not data.events:
        raise ValidationFailed("Choose at least one event.", {"events": ["Choose at least one event."]})
    description = (data.description or "").replace("\x00", "").strip()
    if len(description) > 200:
        raise ValidationFailed(
            "Keep the description under 200 characters.", {"description": ["Keep it under 200 characters."]}
        )
    events = [name for name in EVENT_TYPES if name in data.events]
    return EndpointInput(url=url, events=events, description=description, active=data.active)


@writes
def create_endpoint(actor: User, organisation: Organisation, data: EndpointInput) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (shown once). Raises ValidationFailed."""
    data = _checked(data)
    count = len(endpoints_of(organisation))
    if count >= MAX_ENDPOINTS:
        raise ValidationFailed(f"An organisation can have {MAX_ENDPOINTS} webhooks at most.")
    secret = new_secret()
    endpoint = WebhookEndpoint(
        organisation_id=organisation.id,
        url=data.url,
        description=data.description,
        events=" ".join(data.events),
        active=data.active,
        secret=secret,
        created_by_id=actor.id,
    )
    db.session.add(endpoint)
    db.session.commit()
    return endpoint, secret


@writes
def update_endpoint(endpoint: WebhookEndpoint, data: EndpointInput) -> WebhookEndpoint:
    """Raises ValidationFailed. Turning a paused endpoint on again starts its failure count afresh."""
    data = _checked(data)
    endpoint.url, endpoint.description, endpoint.events = data.url, data.description, " ".join(data.events)
    if data.active and not endpoint.active:
        endpoint.failure_streak, endpoint.paused_reason = 0, ""
    endpoint.active = data.active
    endpoint.updated_at = utcnow()
    db.session.commit()
    return endpoint


@writes
def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    db.session.delete(endpoint)
    db.session.commit()


@writes
def rotate_secret(endpoint: WebhookEndpoint) -> str:
    """A new secret replaces the old one at once (shown once, like the first)."""
    endpoint.secret = new_secret()
    endpoint.secret_rotated_at = endpoint.updated_at = utcnow()
    db.session.commit()
    return endpoint.secret


def endpoints_of(organisation: Organisation) -> list[WebhookEndpoint]:
    return list(
        db.session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.organisation_id == organisation.id)
            .order_by(WebhookEndpoint.id)
        )
    )


def deliveries_of(
    endpoint: WebhookEndpoint, before_id: int | None = None, limit: int = PAGE_SIZE
) -> list[WebhookDelivery]:
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if before_id:
        query = query.where(WebhookDelivery.id < before_id)
    return list(db.session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit)))


# ---- events into deliveries -----------------------------------------------------------------------


def envelope(event_type: str, organisation: Organisation, data: dict, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex}",
        "type": event_type,
        "created": int(utcnow().timestamp()),
        "organisation": {"id": organisation.id, "slug": organisation.slug, "name": organisation.name},
        "data": data,
    }


def broadcast(organisation_id: int, event_type: str, data: dict) -> int:
    """One delivery per active endpoint of the organisation that asked for `event_type`, queued
    in the caller's transaction (so a rolled-back action sends nothing). Returns how many."""
    endpoints = [
        endpoint
        for endpoint in db.session.scalars(
            select(WebhookEndpoint).where(
                WebhookEndpoint.organisation_id == organisation_id, WebhookEndpoint.active.is_(True)
            )
        )
        if endpoint.wants(event_type)
    ]
    if not endpoints:
        return 0
    event = envelope(event_type, db.session.get(Organisation, organisation_id), data)
    body, attempts = json.dumps(event), sending.max_attempts()
    for endpoint in endpoints:
        delivery = WebhookDelivery(
            endpoint_id=endpoint.id, event_id=event["id"], event_type=event_type, payload=body, max_attempts=attempts
        )
        db.session.add(delivery)
        sending.enqueue_delivery(delivery)
    return len(endpoints)


@writes
def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's payload again, as a new delivery with its own attempts (even to a paused
    endpoint: an admin checking a fix wants it sent)."""
    again = WebhookDelivery(
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        payload=delivery.payload,
        max_attempts=sending.max_attempts(),
        redelivery_of_id=delivery.id,
    )
    db.session.add(again)
    sending.enqueue_delivery(again, manual=True)
    db.session.commit()
    return again


def send_test(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `ping` delivered now, once, in this request; returns the delivery with its attempt."""
    with_ping = _new_ping(endpoint)
    sending.attempt(with_ping.id)
    return db.session.get(WebhookDelivery, with_ping.id)


@writes
def _new_ping(endpoint: WebhookEndpoint) -> WebhookDelivery:
    data = {
        "webhook": {"id": endpoint.id, "url": endpoint.url, "events": endpoint.event_list},
        "message": "A test event: your endpoint is reachable if it answered with a 2xx status.",
    }
    event = envelope(PING, endpoint.organisation, data)
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id, event_id=event["id"], event_type=PING, payload=json.dumps(event), max_attempts=1
    )
    db.session.add(delivery)
    db.session.commit()
    return delivery


def latest_state(endpoint: WebhookEndpoint) -> str | None:
    last = db.session.scalar(
        select(WebhookDelivery.state)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(1)
    )
    return DeliveryState.LABELS.get(last) if last else None
