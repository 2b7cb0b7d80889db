"""What happens to money: each function changes state the way Stripe would and records its Events.

Callers hold ``store.lock``; every check and the change it guards happen under it.
"""

import copy

from . import objects
from .errors import StripeError, invalid, missing
from .state import changed, new_id

MINIMUM_CHARGE = 50  # Stripe's minimum for USD-like currencies, in minor units


# -- accounts -------------------------------------------------------------------------------


def create_account(store, params):
    return store.add(objects.account(params, store.now()))


def update_account(store, account_id, params):
    account = store.get(account_id, "account")
    before = copy.deepcopy(account)
    if "metadata" in params:
        account["metadata"] = objects.merge_metadata(account["metadata"], params["metadata"])
    for field in ("email", "business_type", "default_currency"):
        if field in params:
            account[field] = params[field] or None
    for name, ask in (params.get("capabilities") or {}).items():
        if ask.get("requested") and name not in account["capabilities"]:
            account["capabilities"][name] = "active" if account["details_submitted"] else "inactive"
    _account_updated(store, account, before)
    return account


def complete_onboarding(store, account_id):
    """What a finished onboarding form does: requirements met, capabilities and payouts on."""
    account = store.get(account_id, "account")
    before = copy.deepcopy(account)
    account.update(details_submitted=True, charges_enabled=True, payouts_enabled=True)
    account["capabilities"] = dict.fromkeys(account["capabilities"], "active")
    account["requirements"] = objects._requirements([])
    account["tos_acceptance"] = {"date": store.now(), "ip": "127.0.0.1", "user_agent": None}
    _account_updated(store, account, before)
    return account


def _account_updated(store, account, before):
    previous = changed(before, account)
    if previous:
        # Updates to connected accounts reach Connect endpoints, with ``account`` set.
        store.emit("account.updated", account, account=account["id"], previous=previous)


def create_account_link(store, params, base_url):
    account = store.get(params["account"], "account", param="account")
    for field in ("refresh_url", "return_url"):
        if not params.get(field):
            raise invalid(f"Missing required param: {field}.", code="parameter_missing", param=field)
    if params.get("type") not in ("account_onboarding", "account_update"):
        raise invalid("Missing required param: type.", code="parameter_missing", param="type")
    token = new_id("", 32)
    now = store.now()
    store.links[token] = {
        "account": account["id"],
        "refresh_url": params["refresh_url"],
        "return_url": params["return_url"],
        "expires_at": now + 300,
        "used": False,
    }
    return {
        "object": "account_link",
        "created": now,
        "expires_at": now + 300,
        "url": f"{base_url}connect/onboard/{token}",
    }


# -- checkout -------------------------------------------------------------------------------


def _required(container, key, name):
    if container.get(key) is None:
        raise invalid(f"Missing required param: {name}.", code="parameter_missing", param=name)
    return container[key]


def create_session(store, params, base_url):
    _required(params, "mode", "mode")
    if params["mode"] != "payment":
        raise invalid("The emulator implements Checkout in mode=payment only.", param="mode")
    if params.get("ui_mode", "hosted") == "hosted":
        _required(params, "success_url", "success_url")
    amount, currencies, lines = 0, set(), []
    for i, item in enumerate(_required(params, "line_items", "line_items")):
        name = f"line_items[{i}]"
        if "price" in item:  # no Prices exist here: only inline price_data
            raise missing("price", item["price"], f"{name}[price]")
        data = _required(item, "price_data", f"{name}[price_data]")
        unit_amount = _required(data, "unit_amount", f"{name}[price_data][unit_amount]")
        product = data.get("product") or _required(data, "product_data", f"{name}[price_data][product_data]")["name"]
        quantity = _required(item, "quantity", f"{name}[quantity]")
        amount += unit_amount * quantity
        currencies.add(data["currency"].lower())
        lines.append({"name": product, "unit_amount": unit_amount, "quantity": quantity})
    if len(currencies) > 1:
        raise invalid("All line items must use the same currency.", param="line_items")
    currency = currencies.pop()
    if amount < MINIMUM_CHARGE:
        raise invalid(
            f"The Checkout Session's total amount due must add up to at least {MINIMUM_CHARGE} {currency} minor units.",
            param="line_items",
        )
    now = store.now()
    if "expires_at" in params and not now + 1800 <= params["expires_at"] <= now + 86400:
        raise invalid(
            "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
            code="parameter_invalid",
            param="expires_at",
        )
    session = objects.checkout_session(params, now, amount, currency, base_url)
    store.private[session["id"]] = {"intent_data": params.get("payment_intent_data") or {}, "lines": lines}
    return store.add(session)


def sweep_expired(store):
    """Open sessions past ``expires_at`` expire, as Stripe's scheduler would have done."""
    now = store.now()
    for session in store.all("checkout.session"):
        if session["status"] == "open" and session["expires_at"] <= now:
            expire_session(store, session["id"])


def expire_session(store, session_id):
    session = store.get(session_id, "checkout.session", param="session")
    if session["status"] != "open":
        raise invalid('Only Checkout Sessions with a status in ["open"] can be expired.')
    session.update(status="expired", url=None)
    intent = store.objects.get(session["payment_intent"] or "")
    if intent and intent["status"] == "requires_payment_method":
        intent.update(status="canceled", canceled_at=store.now(), cancellation_reason="abandoned")
        store.emit("payment_intent.canceled", intent)
    store.emit("checkout.session.expired", session)
    return session


def _open_session(store, session_id):
    sweep_expired(store)
    session = store.get(session_id, "checkout.session", param="session")
    if session["status"] != "open":
        raise invalid(f"This Checkout Session is no longer open (status: {session['status']}).")
    return session


def _intent_for(store, session, method):
    intent = store.objects.get(session["payment_intent"] or "")
    if intent is None:
        intent = store.add(objects.payment_intent(session, store.private[session["id"]]["intent_data"], store.now()))
        session["payment_intent"] = intent["id"]
        store.emit("payment_intent.created", intent)
    intent["payment_method"] = new_id("pm_")
    intent["payment_method_types"] = [method]
    return intent


def _succeed(store, session, intent, method):
    charge = store.add(objects.charge(intent, method, session["customer_email"], store.now()))
    txn = store.add(
        objects.balance_transaction(
            charge["amount"],
            charge["currency"],
            "charge",
            charge["id"],
            store.now(),
            fee=objects.fee_for(charge["amount"], method),
            description=charge["description"],
        )
    )
    charge["balance_transaction"] = txn["id"]
    intent.update(
        status="succeeded", amount_received=intent["amount"], latest_charge=charge["id"], last_payment_error=None
    )
    session["payment_status"] = "paid"
    store.emit("charge.succeeded", charge)
    store.emit("payment_intent.succeeded", intent)
    return charge


def pay_session(store, session_id, outcome):
    """The customer's choice on the hosted page.

    ``card`` pays now; ``bank_success`` / ``bank_fail`` complete the session unpaid and settle
    later through :func:`settle_session`; ``decline`` fails the attempt and leaves it open.
    """
    session = _open_session(store, session_id)
    method = "us_bank_account" if outcome.startswith("bank") else "card"
    intent = _intent_for(store, session, method)
    if outcome == "decline":
        intent.update(
            status="requires_payment_method",
            last_payment_error={
                "type": "card_error",
                "code": "card_declined",
                "decline_code": "generic_decline",
                "message": "Your card was declined.",
            },
        )
        store.emit("payment_intent.payment_failed", intent)
        raise StripeError(402, "Your card was declined.", type="card_error", code="card_declined")
    session.update(
        status="complete",
        customer_details={
            "email": session["customer_email"],
            "name": "Test Customer",
            "address": None,
            "phone": None,
            "tax_exempt": "none",
            "tax_ids": [],
        },
    )
    if outcome == "card":
        _succeed(store, session, intent, method)
    else:
        intent["status"] = "processing"
        store.private[session["id"]]["settles"] = "succeeded" if outcome == "bank_success" else "failed"
        store.emit("payment_intent.processing", intent)
    store.emit("checkout.session.completed", session)
    return session


def settle_session(store, session_id, succeed=None):
    """A delayed (bank) payment clears or fails; ``succeed`` None keeps what the payer chose."""
    session = store.get(session_id, "checkout.session", param="session")
    intent = store.objects.get(session["payment_intent"] or "")
    if session["status"] != "complete" or intent is None or intent["status"] != "processing":
        raise invalid("This Checkout Session has no payment waiting to settle.")
    if succeed is None:
        succeed = store.private[session_id].get("settles") != "failed"
    if succeed:
        _succeed(store, session, intent, "us_bank_account")
        store.emit("checkout.session.async_payment_succeeded", session)
    else:
        intent.update(
            status="requires_payment_method",
            last_payment_error={
                "type": "invalid_request_error",
                "code": "payment_method_provider_decline",
                "message": "The customer's bank account could not be debited.",
            },
        )
        store.emit("payment_intent.payment_failed", intent)
        store.emit("checkout.session.async_payment_failed", session)
    return session


# -- refunds --------------------------------------------------------------------------------


def create_refund(store, params):
    if "charge" in params:
        charge = store.get(params["charge"], "charge", param="charge")
    elif "payment_intent" in params:
        intent = store.get(params["payment_intent"], "payment_intent", param="payment_intent")
        if not intent["latest_charge"] or intent["status"] != "succeeded":
            raise invalid(
                f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                param="payment_intent",
            )
        charge = store.objects[intent["latest_charge"]]
    else:
        raise invalid(
            "One of the following params should be provided for this request: payment_intent or charge.",
            code="parameter_missing",
        )
    if store.refund_refusal:
        raise invalid(store.refund_refusal, code="balance_insufficient")
    remaining = charge["amount"] - charge["amount_refunded"]
    if remaining <= 0:
        raise invalid(f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
    amount = params.get("amount", remaining)
    if amount <= 0:
        raise invalid("Invalid positive integer", code="parameter_invalid_integer", param="amount")
    if amount > remaining:
        raise invalid(
            f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
            code="amount_too_large",
            param="amount",
        )
    now = store.now()
    refund = store.add(objects.refund(params, charge, amount, now))
    txn = store.add(
        objects.balance_transaction(
            -amount, charge["currency"], "refund", refund["id"], now, description="REFUND FOR CHARGE"
        )
    )
    refund["balance_transaction"] = txn["id"]
    before = store.render(charge)
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] == charge["amount"]
    store.emit("charge.refunded", charge, previous=changed(before, store.render(charge)))
    store.emit("refund.created", refund)
    return refund


# -- transfers ------------------------------------------------------------------------------


def _transferred_from(store, charge_id):
    return sum(
        t["amount"] - t["amount_reversed"] for t in store.all("transfer") if t["source_transaction"] == charge_id
    )


def available(store, currency, scope=None):
    return sum(
        t["net"]
        for t in store.all("balance_transaction", scope)
        if t["currency"] == currency and t["status"] == "available"
    )


def create_transfer(store, params):
    if "amount" not in params:
        raise invalid("Missing required param: amount.", code="parameter_missing", param="amount")
    if params["amount"] <= 0:
        raise invalid("Invalid positive integer", code="parameter_invalid_integer", param="amount")
    currency = params["currency"].lower()
    destination = store.objects.get(params["destination"])
    if destination is None or destination["object"] != "account":
        raise invalid(f"No such destination: '{params['destination']}'", code="resource_missing", param="destination")
    if destination["capabilities"].get("transfers") != "active":
        raise invalid(
            "Your destination account needs to have at least one of the following capabilities enabled: "
            "transfers, crypto_transfers, legacy_payments",
            code="insufficient_capabilities_for_transfer",
            param="destination",
        )
    source = params.get("source_transaction")
    if source:
        charge = store.objects.get(source)
        if charge is None or charge["object"] != "charge":
            raise invalid(f"No such charge: '{source}'", code="resource_missing", param="source_transaction")
        if charge["status"] != "succeeded":
            raise invalid(f"The source_transaction {source} has not succeeded.", param="source_transaction")
        if charge["currency"] != currency:
            raise invalid(
                f"The currency of source_transaction's balance transaction ({charge['currency']}) must be "
                f"the same as the transfer currency ({currency}).",
                code="parameter_invalid",
                param="currency",
            )
        left = charge["amount"] - charge["amount_refunded"] - _transferred_from(store, source)
        if params["amount"] > left:
            raise invalid(
                f"Insufficient funds on source_transaction {source}: the transfer amount ({params['amount']}) "
                f"is greater than what remains of the charge after refunds and earlier transfers ({left}).",
                code="balance_insufficient",
                param="amount",
            )
    elif params["amount"] > available(store, currency):
        raise invalid(
            "You have insufficient available funds in your Stripe account. Try adding funds directly to "
            "your available balance by creating Charges using the 4000000000000077 test card.",
            code="balance_insufficient",
        )
    now = store.now()
    transfer = store.add(objects.transfer(dict(params, currency=currency), now))
    txn = store.add(
        objects.balance_transaction(
            -transfer["amount"], currency, "transfer", transfer["id"], now, description=transfer["description"]
        )
    )
    transfer["balance_transaction"] = txn["id"]
    store.add(
        objects.balance_transaction(transfer["amount"], currency, "payment", transfer["destination_payment"], now),
        owner=destination["id"],
    )
    store.emit("transfer.created", transfer)
    return transfer


def update_transfer(store, transfer_id, params):
    transfer = store.get(transfer_id, "transfer")
    before = store.render(transfer)
    if "metadata" in params:
        transfer["metadata"] = objects.merge_metadata(transfer["metadata"], params["metadata"])
    if "description" in params:
        transfer["description"] = params["description"] or None
    previous = changed(before, store.render(transfer))
    if previous:
        store.emit("transfer.updated", transfer, previous=previous)
    return transfer


def create_reversal(store, transfer_id, params):
    transfer = store.get(transfer_id, "transfer")
    remaining = transfer["amount"] - transfer["amount_reversed"]
    amount = params.get("amount", remaining)
    if remaining <= 0:
        raise invalid(f"Transfer {transfer_id} has already been fully reversed.")
    if amount <= 0 or amount > remaining:
        raise invalid(
            f"Transfer reversal amount ({amount}) must be positive and at most the amount not yet reversed "
            f"({remaining}).",
            code="amount_too_large" if amount > 0 else "parameter_invalid_integer",
            param="amount",
        )
    destination = transfer["destination"]
    if available(store, transfer["currency"], destination) < amount:
        raise invalid(
            f"Insufficient funds in the destination account {destination} to reverse {amount}.",
            code="balance_insufficient",
        )
    now = store.now()
    reversal = store.add(objects.transfer_reversal(transfer, amount, params.get("metadata"), now))
    txn = store.add(objects.balance_transaction(amount, transfer["currency"], "transfer_refund", reversal["id"], now))
    reversal["balance_transaction"] = txn["id"]
    store.add(
        objects.balance_transaction(
            -amount, transfer["currency"], "payment_refund", reversal["destination_payment_refund"], now
        ),
        owner=destination,
    )
    before = store.render(transfer)
    transfer["amount_reversed"] += amount
    transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
    store.emit("transfer.reversed", transfer, previous=changed(before, store.render(transfer)))
    return reversal


def balance(store, scope=None):
    by_currency = {}
    for txn in store.all("balance_transaction", scope):
        by_currency.setdefault(txn["currency"], {"available": 0, "pending": 0})[txn["status"]] += txn["net"]
    by_currency.setdefault("usd", {"available": 0, "pending": 0})

    def entries(kind):
        return [
            {"amount": v[kind], "currency": c, "source_types": {"card": v[kind]}}
            for c, v in sorted(by_currency.items())
        ]

    return {
        "object": "balance",
        "available": entries("available"),
        "pending": entries("pending"),
        "livemode": False,
    }
