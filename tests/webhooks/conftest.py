"""Webhook test helpers: a real receiver on loopback and endpoints pointing at it."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs import wait_idle
from app.webhooks import services
from app.webhooks.models import EVENT_TYPES, WebhookDelivery
from tests.support.http_receiver import http_receiver


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check exactly as documented (templates/webhooks/_verify.html and README)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    timestamp, received = parts.get("t", ""), parts.get("v1", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received)


@pytest.fixture
def receiver():
    with http_receiver() as running:
        yield running


def add_endpoint(organisation, receiver, events=tuple(EVENT_TYPES), path="/hooks", **fields):
    """An endpoint of `organisation` posting to `receiver`; returns (endpoint, secret)."""
    owner = organisation.memberships[0].user
    return services.create_endpoint(
        owner, organisation, services.EndpointInput(url=receiver.url + path, events=list(events), **fields)
    )


def deliveries(endpoint) -> list[WebhookDelivery]:
    """The endpoint's deliveries, oldest first, once every job in flight has finished."""
    assert wait_idle(30)
    db.session.commit()  # a new snapshot: SQLite would keep showing this session's older one
    return list(
        db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id).order_by(WebhookDelivery.id)
        )
    )
