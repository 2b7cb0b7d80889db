"""Sending a delivery: sign the body, POST it (no redirects followed, a few seconds at most),
record the attempt. Run as the job `webhooks.deliver`, so a failure is retried with a doubling
wait (app.jobs); after the last attempt the delivery is failed and can be redelivered by hand.

Signature: `X-Ideaforge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
keyed with the endpoint's secret. Receivers recompute it (see the README's "Webhooks").
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update

from app.clock import utcnow
from app.db_types import begin_write
from app.extensions import db
from app.jobs import job
from app.webhooks.addresses import AddressRefused, default_port, resolve, setting
from app.webhooks.models import PING, DeliveryAttempt, DeliveryState, WebhookDelivery, WebhookEndpoint

USER_AGENT = "Ideaforge-Webhooks/1"
KEPT_RESPONSE_CHARS = 2000
READ_LIMIT = 64 * 1024


class DeliveryFailed(Exception):
    """Raised from the job so that app.jobs retries it."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass
class Outcome:
    status_code: int | None = None
    body: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to by then."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, headers: dict[str, str], body: bytes) -> Outcome:
    """POST `body` to `url`; never raises: a network error is an Outcome with `error`."""
    timeout = float(setting("WEBHOOK_TIMEOUT_SECONDS", 5.0))
    started = time.monotonic()
    outcome = Outcome()
    try:
        parts = urlsplit(url)
        port = parts.port or default_port(parts.scheme)
        addresses = resolve(parts.hostname or "", port)
        if not addresses:
            raise OSError(f"could not resolve {parts.hostname}")
        kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        connection = kind(parts.hostname, port, addresses[0], timeout)
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            outcome.status_code = response.status
            outcome.body = response.read(READ_LIMIT).decode("utf-8", "replace")[:KEPT_RESPONSE_CHARS]
        finally:
            connection.close()
    except AddressRefused as error:
        outcome.error = str(error)
    except (OSError, http.client.HTTPException, ValueError) as error:
        outcome.error = f"{type(error).__name__}: {error}"[:500] if str(error) else type(error).__name__
    outcome.duration_ms = int((time.monotonic() - started) * 1000)
    return outcome


def headers_for(delivery: WebhookDelivery, secret: str, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Ideaforge-Event": delivery.event_type,
        "X-Ideaforge-Delivery": str(delivery.id),
        "X-Ideaforge-Signature": signature(secret, int(utcnow().timestamp()), body),
    }


def attempt(delivery_id: int) -> DeliveryAttempt | None:
    """One attempt at a pending delivery: the POST runs outside any transaction (a slow receiver
    holds no lock), then the attempt is recorded and committed. None if there was nothing to send."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.state != DeliveryState.PENDING:
        db.session.commit()
        return None
    endpoint = delivery.endpoint
    body = delivery.payload.encode()
    url, headers = endpoint.url, headers_for(delivery, endpoint.secret, body)
    db.session.commit()

    outcome = post(url, headers, body)

    begin_write(db.session)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:  # the endpoint was deleted meanwhile
        db.session.commit()
        return None
    record = DeliveryAttempt(
        delivery_id=delivery.id,
        status_code=outcome.status_code,
        response_body=outcome.body,
        error=outcome.error,
        duration_ms=outcome.duration_ms,
    )
    db.session.add(record)
    delivery.attempt_count += 1
    delivery.last_status_code = outcome.status_code
    if outcome.ok:
        delivery.state, delivery.finished_at = DeliveryState.SUCCEEDED, utcnow()
        db.session.execute(
            update(WebhookEndpoint).where(WebhookEndpoint.id == delivery.endpoint_id).values(failure_streak=0)
        )
    elif delivery.attempt_count >= delivery.max_attempts:
        delivery.state, delivery.finished_at = DeliveryState.FAILED, utcnow()
        if delivery.event_type != PING:  # a failed test says nothing new about real traffic
            _count_failure(delivery.endpoint_id)
    db.session.commit()
    return record


def _count_failure(endpoint_id: int) -> None:
    """A delivery failed for good: after WEBHOOK_PAUSE_AFTER_FAILURES in a row the endpoint is
    paused and its organisation's admins are told (once: only the update that pauses it tells)."""
    from app.notifications.services import notify
    from app.orgs.models import Membership
    from app.urls import path_for

    limit = int(setting("WEBHOOK_PAUSE_AFTER_FAILURES", 20))
    db.session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .values(failure_streak=WebhookEndpoint.failure_streak + 1)
    )
    reason = f"Paused after {limit} failed deliveries in a row."
    paused = db.session.execute(
        update(WebhookEndpoint)
        .where(
            WebhookEndpoint.id == endpoint_id,
            WebhookEndpoint.active.is_(True),
            WebhookEndpoint.failure_streak >= limit,
        )
        .values(active=False, paused_reason=reason, updated_at=utcnow())
    ).rowcount
    if not paused:
        return
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    db.session.refresh(endpoint)
    admins = db.session.scalars(
        select(Membership.user_id).where(
            Membership.organisation_id == endpoint.organisation_id, Membership.is_admin.is_(True)
        )
    )
    notify(
        admins,
        "webhook.paused",
        f"Webhook to {endpoint.url} was paused: {limit} deliveries in a row failed",
        path_for("webhooks.show", slug=endpoint.organisation.slug, endpoint_id=endpoint.id),
    )


@job("webhooks.deliver")
def deliver(payload: dict) -> None:
    delivery_id = payload["delivery_id"]
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.state != DeliveryState.PENDING:
        return
    if not delivery.endpoint.active and not payload.get("manual"):
        _give_up_paused(delivery)
        return
    record = attempt(delivery_id)
    if record is not None and not record.ok:
        raise DeliveryFailed(
            f"attempt {record.id}: " + (f"HTTP {record.status_code}" if record.status_code else record.error)
        )


def _give_up_paused(delivery: WebhookDelivery) -> None:
    """Retries stop while an endpoint is paused; the log says why nothing was sent."""
    db.session.add(DeliveryAttempt(delivery_id=delivery.id, error="Not sent: the endpoint is paused."))
    delivery.state, delivery.finished_at = DeliveryState.FAILED, utcnow()
    db.session.commit()


def enqueue_delivery(delivery: WebhookDelivery, manual: bool = False) -> None:
    """Queue the delivery's job in the current transaction (it runs after the commit)."""
    from app.jobs import enqueue

    db.session.flush()
    enqueue(
        "webhooks.deliver",
        max_attempts=delivery.max_attempts,
        delivery_id=delivery.id,
        **({"manual": True} if manual else {}),
    )


def max_attempts() -> int:
    return int(setting("WEBHOOK_MAX_ATTEMPTS", current_app.config["JOBS_MAX_ATTEMPTS"]))
