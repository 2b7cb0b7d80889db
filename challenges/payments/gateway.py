"""The one place the product calls Stripe. Everything else in the payments package calls these
small functions with plain arguments and gets Stripe objects back.

Every create call carries an idempotency key derived from our own row (never random), so a retry
after a timeout replays the first answer instead of moving money twice.
"""

from __future__ import annotations

import time

import stripe
from flask import current_app

# Errors callers tell apart: a refusal by Stripe (final until something changes) versus a network
# or server problem (retry with the same key).
StripeError = stripe.StripeError
Refused = (stripe.InvalidRequestError, stripe.CardError, stripe.PermissionError)
Unreachable = (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError)
SignatureError = stripe.SignatureVerificationError

_clients: dict[tuple, stripe.StripeClient] = {}


class NotConfigured(RuntimeError):
    """STRIPE_SECRET_KEY is not set: payments cannot run."""


def client() -> stripe.StripeClient:
    """A StripeClient for the current app's settings (cached per key and base address)."""
    config = current_app.config
    key = config.get("STRIPE_SECRET_KEY")
    if not key:
        raise NotConfigured("Payments are not configured (STRIPE_SECRET_KEY is unset).")
    base = config.get("STRIPE_API_BASE")
    retries = int(config.get("STRIPE_MAX_NETWORK_RETRIES", 2))
    timeout = float(config.get("STRIPE_TIMEOUT_SECONDS", 20))
    cache_key = (key, base, retries, timeout)
    if cache_key not in _clients:
        options = {"max_network_retries": retries, "http_client": stripe.new_default_http_client(timeout=timeout)}
        if base:
            options["base_addresses"] = {"api": base, "connect": base, "files": base}
        _clients[cache_key] = stripe.StripeClient(key, **options)
    return _clients[cache_key]


def _options(key: str | None = None, account: str | None = None) -> dict:
    options = {}
    if key:
        options["idempotency_key"] = key
    if account:
        options["stripe_account"] = account
    return options


def hosted_origins() -> list[str]:
    """Where Stripe's hosted pages (Checkout, onboarding) live: the local emulator's address when
    STRIPE_API_BASE points there."""
    base = current_app.config.get("STRIPE_API_BASE")
    if base:
        from urllib.parse import urlsplit

        parts = urlsplit(base)
        return [f"{parts.scheme}://{parts.netloc}"]
    return ["https://checkout.stripe.com", "https://connect.stripe.com"]


# -- checkout -------------------------------------------------------------------------------------


def create_checkout_session(
    *,
    key: str,
    amount: int,
    currency: str,
    name: str,
    description: str,
    transfer_group: str,
    metadata: dict,
    success_url: str,
    cancel_url: str,
    email: str | None = None,
):
    params = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": currency,
                    "unit_amount": amount,
                    "product_data": {"name": name, "description": description},
                },
                "quantity": 1,
            }
        ],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": metadata.get("challenge_id"),
        "metadata": metadata,
        "payment_intent_data": {"transfer_group": transfer_group, "metadata": metadata},
    }
    if email:
        params["customer_email"] = email
    return client().v1.checkout.sessions.create(params, _options(key))


def retrieve_checkout_session(session_id: str):
    return client().v1.checkout.sessions.retrieve(session_id, {"expand": ["payment_intent"]})


def retrieve_charge(charge_id: str):
    return client().v1.charges.retrieve(charge_id, {"expand": ["balance_transaction"]})


# -- Connect ----------------------------------------------------------------------------------------


def create_account(*, key: str, email: str, user_id: int, country: str = "US"):
    return client().v1.accounts.create(
        {
            "controller": {
                "stripe_dashboard": {"type": "express"},
                "fees": {"payer": "application"},
                "losses": {"payments": "application"},
            },
            "email": email,
            "country": country,
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"user_id": str(user_id)},
        },
        _options(key),
    )


def create_account_link(account_id: str, refresh_url: str, return_url: str):
    # Not idempotent on purpose: every visit needs a fresh single-use link.
    return client().v1.account_links.create(
        {"account": account_id, "refresh_url": refresh_url, "return_url": return_url, "type": "account_onboarding"}
    )


def retrieve_account(account_id: str):
    return client().v1.accounts.retrieve(account_id)


# -- transfers and refunds ------------------------------------------------------------------------


def create_transfer(
    *,
    key: str,
    amount: int,
    currency: str,
    destination: str,
    source_transaction: str,
    transfer_group: str,
    metadata: dict,
):
    return client().v1.transfers.create(
        {
            "amount": amount,
            "currency": currency,
            "destination": destination,
            "source_transaction": source_transaction,
            "transfer_group": transfer_group,
            "metadata": metadata,
        },
        _options(key),
    )


def retrieve_transfer(transfer_id: str):
    return client().v1.transfers.retrieve(transfer_id)


def create_refund(*, key: str, charge: str, amount: int, metadata: dict):
    return client().v1.refunds.create(
        {"charge": charge, "amount": amount, "reason": "requested_by_customer", "metadata": metadata}, _options(key)
    )


def retrieve_refund(refund_id: str):
    return client().v1.refunds.retrieve(refund_id)


# -- listings (reconcile, sync) ---------------------------------------------------------------------


def _all(listing, params: dict, account: str | None = None, limit: int = 1000) -> list:
    """Every object of a list endpoint, following `starting_after` up to `limit` items."""
    items, params = [], dict(params, limit=100)
    while len(items) < limit:
        page = listing(params, _options(account=account)) if account else listing(params)
        items.extend(page.data)
        if not page.has_more or not page.data:
            break
        params["starting_after"] = page.data[-1].id
    return items


def list_events(created_after: int | None = None, account: str | None = None) -> list:
    params = {"created": {"gte": created_after}} if created_after else {}
    return _all(client().v1.events.list, params, account)


def list_charges() -> list:
    return _all(client().v1.charges.list, {})


def list_transfers() -> list:
    return _all(client().v1.transfers.list, {})


def list_refunds() -> list:
    return _all(client().v1.refunds.list, {})


# -- webhooks -------------------------------------------------------------------------------------


# Clocks differ a little; a signature dated further ahead than this was not made by Stripe now.
FUTURE_TOLERANCE_SECONDS = 60


def construct_event(payload: bytes, signature: str | None, secret: str, tolerance: int = 300):
    """The verified event, or raises SignatureError (bad signature, tampered body, too old or
    dated in the future) or ValueError (not JSON)."""
    event = stripe.Webhook.construct_event(payload, signature or "", secret, tolerance=tolerance)
    if _signed_at(signature or "") > time.time() + FUTURE_TOLERANCE_SECONDS:
        raise SignatureError("Timestamp is in the future", signature, payload)
    return event


def _signed_at(signature: str) -> int:
    stamps = [part[2:] for part in signature.split(",") if part.startswith("t=")]
    return int(stamps[0]) if stamps and stamps[0].isdigit() else 0


# -- keys -------------------------------------------------------------------------------------------


def key(*parts) -> str:
    """A deterministic idempotency key from our own identifiers, e.g. key("payout", 7, 1)."""
    return "ideaforge-" + "-".join(str(part) for part in parts)


def metadata(obj) -> dict:
    """A Stripe object's metadata as a plain dict."""
    meta = getattr(obj, "metadata", None)
    return meta.to_dict() if meta else {}
