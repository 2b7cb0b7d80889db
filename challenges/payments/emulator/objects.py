"""Builders for API objects, shaped like Stripe's own fixtures (the fields the product reads and
their neighbours; nothing invented)."""

from .state import new_id

CURRENCY_BY_COUNTRY = {"US": "usd", "GB": "gbp", "CA": "cad", "AU": "aud", "CH": "chf", "JP": "jpy"}
EURO = {"AT", "BE", "DE", "ES", "FI", "FR", "IE", "IT", "LU", "NL", "PT"}
ONBOARDING_DUE = [
    "business_profile.url",
    "external_account",
    "individual.first_name",
    "individual.last_name",
    "tos_acceptance.date",
    "tos_acceptance.ip",
]
DASHBOARD_TYPES = {"express": "express", "full": "standard", "none": "custom"}


def fee_for(amount, method):
    """Stripe's standard US pricing: cards 2.9% + 30, ACH debit 0.8% capped at 5.00."""
    if method == "us_bank_account":
        return min(round(amount * 0.008), 500)
    return round(amount * 0.029) + 30


def _requirements(due):
    return {
        "alternatives": [],
        "current_deadline": None,
        "currently_due": list(due),
        "disabled_reason": "requirements.past_due" if due else None,
        "errors": [],
        "eventually_due": list(due),
        "past_due": list(due),
        "pending_verification": [],
    }


def account(params, now):
    country = params.get("country", "US").upper()
    controller = params.get("controller") or {}
    kind = params.get("type") or DASHBOARD_TYPES.get((controller.get("stripe_dashboard") or {}).get("type"), "standard")
    requested = {name: "inactive" for name, ask in (params.get("capabilities") or {}).items() if ask.get("requested")}
    object_id = new_id("acct_", 16)
    return {
        "id": object_id,
        "object": "account",
        "business_profile": {
            "mcc": None,
            "name": None,
            "product_description": None,
            "support_email": None,
            "url": None,
        },
        "business_type": params.get("business_type"),
        "capabilities": requested,
        "charges_enabled": False,
        "controller": _controller(controller, kind),
        "country": country,
        "created": now,
        "default_currency": params.get("default_currency")
        or ("eur" if country in EURO else CURRENCY_BY_COUNTRY.get(country, "usd")),
        "details_submitted": False,
        "email": params.get("email"),
        "external_accounts": {
            "object": "list",
            "data": [],
            "has_more": False,
            "url": f"/v1/accounts/{object_id}/external_accounts",
        },
        "future_requirements": _requirements([]),
        "metadata": dict(params.get("metadata") or {}),
        "payouts_enabled": False,
        "requirements": _requirements(ONBOARDING_DUE),
        "settings": {
            "payouts": {
                "debit_negative_balances": True,
                "schedule": {"delay_days": 2, "interval": "daily"},
                "statement_descriptor": None,
            }
        },
        "tos_acceptance": {"date": None, "ip": None, "user_agent": None},
        "type": kind,
    }


def _controller(controller, kind):
    if not controller:
        return {"type": "application", "is_controller": True} if kind != "standard" else {"type": "account"}
    return {
        "fees": {"payer": (controller.get("fees") or {}).get("payer", "application")},
        "is_controller": True,
        "losses": {"payments": (controller.get("losses") or {}).get("payments", "application")},
        "requirement_collection": controller.get("requirement_collection", "stripe"),
        "stripe_dashboard": {"type": (controller.get("stripe_dashboard") or {}).get("type", "express")},
        "type": "application",
    }


def checkout_session(params, now, amount, currency, base_url):
    object_id = new_id("cs_test_", 58)
    return {
        "id": object_id,
        "object": "checkout.session",
        "amount_subtotal": amount,
        "amount_total": amount,
        "cancel_url": params.get("cancel_url"),
        "client_reference_id": params.get("client_reference_id"),
        "created": now,
        "currency": currency,
        "customer": None,
        "customer_details": None,
        "customer_email": params.get("customer_email"),
        "expires_at": params.get("expires_at", now + 24 * 3600),
        "livemode": False,
        "locale": params.get("locale"),
        "metadata": dict(params.get("metadata") or {}),
        "mode": params["mode"],
        "payment_intent": None,  # created when the customer confirms, as Stripe does since 2022-08-01
        "payment_method_types": list(params.get("payment_method_types") or ["card", "us_bank_account"]),
        "payment_status": "unpaid",
        "status": "open",
        "submit_type": params.get("submit_type"),
        "success_url": params.get("success_url"),
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": params.get("ui_mode", "hosted"),
        "url": f"{base_url}pay/{object_id}",
    }


def payment_intent(session, intent_data, now):
    object_id = new_id("pi_")
    return {
        "id": object_id,
        "object": "payment_intent",
        "amount": session["amount_total"],
        "amount_capturable": 0,
        "amount_received": 0,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": "automatic_async",
        "client_secret": f"{object_id}_secret_{new_id('', 25)}",
        "confirmation_method": "automatic",
        "created": now,
        "currency": session["currency"],
        "customer": None,
        "description": intent_data.get("description"),
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": dict(intent_data.get("metadata") or {}),
        "on_behalf_of": intent_data.get("on_behalf_of"),
        "payment_method": None,
        "payment_method_types": list(session["payment_method_types"]),
        "receipt_email": intent_data.get("receipt_email"),
        "statement_descriptor": intent_data.get("statement_descriptor"),
        "status": "requires_payment_method",
        "transfer_data": None,
        "transfer_group": intent_data.get("transfer_group"),
    }


def payment_method_details(method):
    if method == "us_bank_account":
        return {
            "type": method,
            method: {
                "account_holder_type": "individual",
                "account_type": "checking",
                "bank_name": "STRIPE TEST BANK",
                "last4": "6789",
                "routing_number": "110000000",
            },
        }
    return {
        "type": "card",
        "card": {
            "brand": "visa",
            "country": "US",
            "exp_month": 12,
            "exp_year": 2034,
            "funding": "credit",
            "last4": "4242",
            "network": "visa",
        },
    }


def charge(intent, method, email, now):
    return {
        "id": new_id("ch_"),
        "object": "charge",
        "amount": intent["amount"],
        "amount_captured": intent["amount"],
        "amount_refunded": 0,
        "balance_transaction": None,
        "billing_details": {"address": None, "email": email, "name": "Test Customer", "phone": None},
        "captured": True,
        "created": now,
        "currency": intent["currency"],
        "customer": None,
        "description": intent["description"],
        "disputed": False,
        "failure_code": None,
        "failure_message": None,
        "livemode": False,
        "metadata": dict(intent["metadata"]),
        "outcome": {
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "normal",
            "seller_message": "Payment complete.",
            "type": "authorized",
        },
        "paid": True,
        "payment_intent": intent["id"],
        "payment_method": intent["payment_method"],
        "payment_method_details": payment_method_details(method),
        "receipt_email": intent["receipt_email"],
        "receipt_url": None,
        "refunded": False,
        "source_transfer": None,
        "status": "succeeded",
        "transfer_data": None,
        "transfer_group": intent["transfer_group"],
    }


def balance_transaction(amount, currency, kind, source, now, fee=0, description=None):
    category = {"payment": "charge", "payment_refund": "refund", "transfer_refund": "transfer_reversal"}.get(kind, kind)
    return {
        "id": new_id("txn_"),
        "object": "balance_transaction",
        "amount": amount,
        "available_on": now,
        "created": now,
        "currency": currency,
        "description": description,
        "exchange_rate": None,
        "fee": fee,
        "fee_details": (
            [
                {
                    "amount": fee,
                    "application": None,
                    "currency": currency,
                    "description": "Stripe processing fees",
                    "type": "stripe_fee",
                }
            ]
            if fee
            else []
        ),
        "net": amount - fee,
        "reporting_category": category,
        "source": source,
        "status": "available",
        "type": kind,
    }


def refund(params, charge_obj, amount, now):
    return {
        "id": new_id("re_"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": None,
        "charge": charge_obj["id"],
        "created": now,
        "currency": charge_obj["currency"],
        "destination_details": {"type": charge_obj["payment_method_details"]["type"]},
        "metadata": dict(params.get("metadata") or {}),
        "payment_intent": charge_obj["payment_intent"],
        "reason": params.get("reason"),
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    }


def transfer(params, now):
    return {
        "id": new_id("tr_"),
        "object": "transfer",
        "amount": params["amount"],
        "amount_reversed": 0,
        "balance_transaction": None,
        "created": now,
        "currency": params["currency"],
        "description": params.get("description"),
        "destination": params["destination"],
        "destination_payment": new_id("py_"),
        "livemode": False,
        "metadata": dict(params.get("metadata") or {}),
        "reversed": False,
        "source_transaction": params.get("source_transaction"),
        "source_type": params.get("source_type", "card"),
        "transfer_group": params.get("transfer_group"),
    }


def transfer_reversal(transfer_obj, amount, metadata, now):
    return {
        "id": new_id("trr_"),
        "object": "transfer_reversal",
        "amount": amount,
        "balance_transaction": None,
        "created": now,
        "currency": transfer_obj["currency"],
        "destination_payment_refund": new_id("pyr_"),
        "metadata": dict(metadata or {}),
        "source_refund": None,
        "transfer": transfer_obj["id"],
    }


def merge_metadata(current, update):
    """Stripe's metadata update: keys merge, an empty value deletes a key, "" clears them all."""
    if update == "":
        return {}
    merged = dict(current)
    for key, value in (update or {}).items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged
