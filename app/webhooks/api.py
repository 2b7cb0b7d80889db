"""Webhooks in the JSON API under /api/v1, for organisation admins only: anyone else gets 404,
as for an organisation or webhook that does not exist. Checks run in the API's order:
credentials (401), then what the path names (404), then the query and body (422)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from flask import Blueprint, g
from flask_login import current_user
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import select

from app.api.pagination import Page, PageQuery, keyset_page
from app.api.paths import guard
from app.api.spec import operation
from app.errors_domain import NotFound
from app.extensions import db
from app.orgs import policy
from app.orgs.models import Organisation
from app.orgs.services import get_by_slug
from app.webhooks import services
from app.webhooks.addresses import MAX_URL_LENGTH
from app.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint

webhooks_api = Blueprint("webhooks_api", __name__, url_prefix="/api/v1")

MAX_ID = 2**31 - 1
WEBHOOK_ID = "<int(max=None):webhook_id>"
NO_ORGANISATION = "No such organisation, or you do not administer it."
NO_WEBHOOK = "No such webhook, or it is not yours to manage."
EventType = Literal[tuple(EVENT_TYPES)]  # type: ignore[valid-type]


def _no_nul(value: str) -> str:
    return value.replace("\x00", "")


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


Events = Annotated[list[EventType], Field(min_length=1, max_length=len(EVENT_TYPES)), AfterValidator(_unique)]
Url = Annotated[
    str, Field(min_length=1, max_length=MAX_URL_LENGTH, pattern=r"^https?://[^\s]+$"), AfterValidator(_no_nul)
]
Description = Annotated[str, Field(max_length=200), AfterValidator(_no_nul)]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    url: Url = Field(description="An http(s) address. In production, not one on a private or local network.")
    events: Events = Field(description="The events to send: " + ", ".join(EVENT_TYPES) + ".")
    description: Description = ""
    active: bool = True


class WebhookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    url: Url | None = None
    events: Events | None = None
    description: Description | None = None
    active: bool | None = Field(
        default=None, description="false pauses it; true turns it on again and starts its failure count afresh."
    )


class WebhookOut(BaseModel):
    id: int
    organisation: str = Field(description="The organisation's slug.")
    url: str
    description: str
    events: list[str]
    active: bool
    paused_reason: str = Field(description="Why the system paused it (repeated failures); empty otherwise.")
    failure_streak: int = Field(description="Deliveries that failed for good since the last success.")
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Signs every delivery. Shown only in this answer: keep it.")


class WebhookList(BaseModel):
    data: list[WebhookOut]


class AttemptOut(BaseModel):
    attempted_at: datetime
    status_code: int | None
    response_body: str = Field(description="The start of the receiver's answer.")
    error: str
    duration_ms: int


class DeliveryOut(BaseModel):
    id: int = Field(description="Sent as X-Ideaforge-Delivery.")
    event_id: str = Field(description="The payload's id (the same for every webhook, and on redelivery).")
    event_type: str
    state: Literal["pending", "succeeded", "failed"]
    attempt_count: int
    max_attempts: int
    last_status_code: int | None
    redelivery_of_id: int | None
    created_at: datetime
    finished_at: datetime | None
    payload: dict[str, Any]
    attempts: list[AttemptOut]


class DeliveryPage(Page[DeliveryOut]):
    pass


def webhook_out(endpoint: WebhookEndpoint) -> WebhookOut:
    return WebhookOut(
        id=endpoint.id,
        organisation=endpoint.organisation.slug,
        url=endpoint.url,
        description=endpoint.description,
        events=endpoint.event_list,
        active=endpoint.active,
        paused_reason=endpoint.paused_reason,
        failure_streak=endpoint.failure_streak,
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
    )


def delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        state=delivery.state,
        attempt_count=delivery.attempt_count,
        max_attempts=delivery.max_attempts,
        last_status_code=delivery.last_status_code,
        redelivery_of_id=delivery.redelivery_of_id,
        created_at=delivery.created_at,
        finished_at=delivery.finished_at,
        payload=json.loads(delivery.payload),
        attempts=[
            AttemptOut(
                attempted_at=a.attempted_at,
                status_code=a.status_code,
                response_body=a.response_body,
                error=a.error,
                duration_ms=a.duration_ms,
            )
            for a in delivery.attempts
        ],
    )


# ---- finding what the path names ----------------------------------------------------------------


def administered_organisation(slug: str) -> Organisation:
    organisation = get_by_slug(slug)
    if organisation is None or not policy.has_role(current_user, organisation, "admin"):
        raise NotFound(NO_ORGANISATION)
    return organisation


def administered_webhook(webhook_id: int) -> WebhookEndpoint:
    if "api_webhook" not in g:
        endpoint = db.session.get(WebhookEndpoint, webhook_id) if 0 < webhook_id <= MAX_ID else None
        if endpoint is None or not policy.has_role(current_user, endpoint.organisation, "admin"):
            raise NotFound(NO_WEBHOOK)
        g.api_webhook = endpoint
    return g.api_webhook


guard(webhooks_api, {"slug": administered_organisation, "webhook_id": administered_webhook})


# ---- operations -----------------------------------------------------------------------------------


@operation(
    webhooks_api,
    "GET",
    "/organisations/<slug>/webhooks",
    summary="List an organisation's webhooks",
    response=WebhookList,
    errors=(404,),
    tags=("Webhooks",),
)
def list_webhooks(slug: str) -> WebhookList:
    """For the organisation's admins. Secrets are never listed."""
    return WebhookList(data=[webhook_out(e) for e in services.endpoints_of(administered_organisation(slug))])


@operation(
    webhooks_api,
    "POST",
    "/organisations/<slug>/webhooks",
    summary="Add a webhook",
    body=WebhookCreate,
    response=WebhookCreated,
    status=201,
    errors=(404,),
    tags=("Webhooks",),
)
def create_webhook(slug: str, body: WebhookCreate) -> WebhookCreated:
    """The answer carries the signing secret, once. Each delivery is a POST with
    `X-Ideaforge-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`."""
    endpoint, secret = services.create_endpoint(
        current_user,
        administered_organisation(slug),
        services.EndpointInput(
            url=body.url, events=list(body.events), description=body.description, active=body.active
        ),
    )
    return WebhookCreated(**webhook_out(endpoint).model_dump(), secret=secret)


@operation(
    webhooks_api,
    "GET",
    f"/webhooks/{WEBHOOK_ID}",
    summary="Get a webhook",
    response=WebhookOut,
    errors=(404,),
    tags=("Webhooks",),
)
def get_webhook(webhook_id: int) -> WebhookOut:
    return webhook_out(administered_webhook(webhook_id))


@operation(
    webhooks_api,
    "PATCH",
    f"/webhooks/{WEBHOOK_ID}",
    summary="Change a webhook",
    body=WebhookUpdate,
    response=WebhookOut,
    errors=(404,),
    tags=("Webhooks",),
)
def update_webhook(webhook_id: int, body: WebhookUpdate) -> WebhookOut:
    """Fields left out keep their value."""
    endpoint = administered_webhook(webhook_id)
    data = services.EndpointInput(
        url=endpoint.url if body.url is None else body.url,
        events=endpoint.event_list if body.events is None else list(body.events),
        description=endpoint.description if body.description is None else body.description,
        active=endpoint.active if body.active is None else body.active,
    )
    return webhook_out(services.update_endpoint(endpoint, data))


@operation(
    webhooks_api, "DELETE", f"/webhooks/{WEBHOOK_ID}", summary="Delete a webhook", errors=(404,), tags=("Webhooks",)
)
def delete_webhook(webhook_id: int) -> None:
    """With its delivery log; deliveries still waiting are not sent."""
    services.delete_endpoint(administered_webhook(webhook_id))


@operation(
    webhooks_api,
    "POST",
    f"/webhooks/{WEBHOOK_ID}/test",
    summary="Send a test event",
    response=DeliveryOut,
    errors=(404,),
    tags=("Webhooks",),
)
def test_webhook(webhook_id: int) -> DeliveryOut:
    """Sends a `ping` event now, once, and answers with the delivery and the receiver's answer
    (a failed test is a 200 too: see `state` and `attempts`)."""
    return delivery_out(services.send_test(administered_webhook(webhook_id)))


@operation(
    webhooks_api,
    "GET",
    f"/webhooks/{WEBHOOK_ID}/deliveries",
    summary="A webhook's delivery log",
    query=PageQuery,
    response=DeliveryPage,
    errors=(404,),
    tags=("Webhooks",),
)
def list_deliveries(webhook_id: int, query: PageQuery) -> DeliveryPage:
    """Newest first, each with its payload and every attempt (status, start of the answer, error)."""
    endpoint = administered_webhook(webhook_id)
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    deliveries, next_cursor = keyset_page(
        db.session,
        stmt,
        kind="webhook-deliveries",
        columns=(WebhookDelivery.created_at, WebhookDelivery.id),
        query=query,
    )
    return DeliveryPage(data=[delivery_out(d) for d in deliveries], next_cursor=next_cursor)
