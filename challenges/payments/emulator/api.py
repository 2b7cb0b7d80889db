"""The /v1 routes: each names the SDK parameter type it accepts and the handler that answers it."""

import fnmatch
from dataclasses import dataclass

import stripe.params as P
import stripe.params.checkout as C
from werkzeug.routing import Map, Rule

from . import flows
from .errors import invalid, missing


@dataclass
class Call:
    """One API request as a handler sees it: checked params, the account scope, the public base."""

    store: object
    params: dict
    scope: str | None
    base_url: str

    def show(self, obj):
        return self.store.render(obj, self.params.get("expand", ()), self.scope)

    def listing(self, kind, url, filters=()):
        items = self.store.all(kind, self.scope)
        items = [o for o in items if _matches(o, self.params, filters)]
        page = self.store.page(items, self.params, url)
        expand = [e[len("data.") :] for e in self.params.get("expand", ()) if e.startswith("data.")]
        page["data"] = [self.store.render(o, expand, self.scope) for o in page["data"]]
        return page

    def platform_only(self):
        if self.scope:
            raise invalid(
                "The emulator implements this request for the platform account only (no Stripe-Account header)."
            )


def _matches(obj, params, filters):
    created = params.get("created")
    if isinstance(created, int) and obj["created"] != created:
        return False
    if isinstance(created, dict):
        bounds = {
            "gt": lambda a, b: a > b,
            "gte": lambda a, b: a >= b,
            "lt": lambda a, b: a < b,
            "lte": lambda a, b: a <= b,
        }
        if not all(bounds[op](obj["created"], v) for op, v in created.items()):
            return False
    return all(obj.get(field) == params[field] for field in filters if field in params)


# -- accounts -------------------------------------------------------------------------------


def account_create(call):
    call.platform_only()
    return call.show(flows.create_account(call.store, call.params))


def account_list(call):
    return call.listing("account", "/v1/accounts") if not call.scope else _empty("/v1/accounts")


def account_retrieve(call, id):
    if call.scope and id != call.scope:
        raise invalid(f"No such account: '{id}'", code="resource_missing", param="id", status=404)
    return call.show(call.store.get(id, "account"))


def account_current(call):
    if call.scope:
        return call.show(call.store.get(call.scope, "account"))
    return call.store.platform


def account_update(call, id):
    if call.scope and id != call.scope:
        raise invalid(f"No such account: '{id}'", code="resource_missing", param="id", status=404)
    return call.show(flows.update_account(call.store, id, call.params))


def account_link_create(call):
    call.platform_only()
    return flows.create_account_link(call.store, call.params, call.base_url)


# -- checkout, payments ---------------------------------------------------------------------


def session_create(call):
    call.platform_only()
    return call.show(flows.create_session(call.store, call.params, call.base_url))


def session_list(call):
    return call.listing("checkout.session", "/v1/checkout/sessions", ("payment_intent", "status", "customer_email"))


def session_retrieve(call, id):
    return call.show(call.store.get(id, "checkout.session", call.scope, param="session"))


def session_expire(call, id):
    call.platform_only()
    return call.show(flows.expire_session(call.store, id))


def intent_retrieve(call, id):
    return call.show(call.store.get(id, "payment_intent", call.scope, param="intent"))


def intent_list(call):
    return call.listing("payment_intent", "/v1/payment_intents")


def charge_retrieve(call, id):
    return call.show(call.store.get(id, "charge", call.scope, param="charge"))


def charge_list(call):
    return call.listing("charge", "/v1/charges", ("payment_intent", "transfer_group"))


def refund_create(call):
    call.platform_only()
    return call.show(flows.create_refund(call.store, call.params))


def refund_retrieve(call, id):
    return call.show(call.store.get(id, "refund", call.scope, param="refund"))


def refund_list(call):
    return call.listing("refund", "/v1/refunds", ("charge", "payment_intent"))


# -- transfers, balance ---------------------------------------------------------------------


def transfer_create(call):
    call.platform_only()
    return call.show(flows.create_transfer(call.store, call.params))


def transfer_list(call):
    return call.listing("transfer", "/v1/transfers", ("destination", "transfer_group"))


def transfer_retrieve(call, id):
    return call.show(call.store.get(id, "transfer", call.scope))


def transfer_update(call, id):
    call.platform_only()
    return call.show(flows.update_transfer(call.store, id, call.params))


def reversal_create(call, id):
    call.platform_only()
    return call.show(flows.create_reversal(call.store, id, call.params))


def reversal_list(call, id):
    call.store.get(id, "transfer", call.scope)
    items = [r for r in call.store.all("transfer_reversal", call.scope) if r["transfer"] == id]
    return call.store.page(items, call.params, f"/v1/transfers/{id}/reversals")


def reversal_retrieve(call, id, reversal):
    found = call.store.get(reversal, "transfer_reversal", call.scope)
    if found["transfer"] != id:
        raise missing("transfer reversal", reversal)
    return call.show(found)


def txn_retrieve(call, id):
    return call.show(call.store.get(id, "balance_transaction", call.scope))


def txn_list(call):
    return call.listing("balance_transaction", "/v1/balance_transactions", ("type", "source", "currency"))


def balance_retrieve(call):
    return flows.balance(call.store, call.scope)


def event_list(call):
    params = call.params
    if "type" in params and "types" in params:
        raise invalid("You may pass either `type` or `types`, but not both.")
    patterns = [params["type"]] if "type" in params else params.get("types")
    if not patterns:
        return call.listing("event", "/v1/events")
    # ``type`` accepts ``*`` wildcards, as in "checkout.session.*".
    items = [
        e
        for e in call.store.all("event", call.scope)
        if _matches(e, params, ()) and any(fnmatch.fnmatchcase(e["type"], p) for p in patterns)
    ]
    return call.store.page(items, params, "/v1/events")


def event_retrieve(call, id):
    return call.show(call.store.get(id, "event", call.scope))


def _empty(url):
    return {"object": "list", "data": [], "has_more": False, "url": url}


ROUTES = [
    ("POST", "/v1/accounts", P.AccountCreateParams, account_create),
    ("GET", "/v1/accounts", P.AccountListParams, account_list),
    ("GET", "/v1/accounts/<id>", P.AccountRetrieveParams, account_retrieve),
    ("POST", "/v1/accounts/<id>", P.AccountUpdateParams, account_update),
    ("GET", "/v1/account", P.AccountRetrieveCurrentParams, account_current),
    ("POST", "/v1/account_links", P.AccountLinkCreateParams, account_link_create),
    ("POST", "/v1/checkout/sessions", C.SessionCreateParams, session_create),
    ("GET", "/v1/checkout/sessions", C.SessionListParams, session_list),
    ("GET", "/v1/checkout/sessions/<id>", C.SessionRetrieveParams, session_retrieve),
    ("POST", "/v1/checkout/sessions/<id>/expire", C.SessionExpireParams, session_expire),
    ("GET", "/v1/payment_intents", P.PaymentIntentListParams, intent_list),
    ("GET", "/v1/payment_intents/<id>", P.PaymentIntentRetrieveParams, intent_retrieve),
    ("GET", "/v1/charges", P.ChargeListParams, charge_list),
    ("GET", "/v1/charges/<id>", P.ChargeRetrieveParams, charge_retrieve),
    ("POST", "/v1/refunds", P.RefundCreateParams, refund_create),
    ("GET", "/v1/refunds", P.RefundListParams, refund_list),
    ("GET", "/v1/refunds/<id>", P.RefundRetrieveParams, refund_retrieve),
    ("POST", "/v1/transfers", P.TransferCreateParams, transfer_create),
    ("GET", "/v1/transfers", P.TransferListParams, transfer_list),
    ("GET", "/v1/transfers/<id>", P.TransferRetrieveParams, transfer_retrieve),
    ("POST", "/v1/transfers/<id>", P.TransferUpdateParams, transfer_update),
    ("POST", "/v1/transfers/<id>/reversals", P.TransferReversalCreateParams, reversal_create),
    ("GET", "/v1/transfers/<id>/reversals", P.TransferReversalListParams, reversal_list),
    ("GET", "/v1/transfers/<id>/reversals/<reversal>", P.TransferReversalRetrieveParams, reversal_retrieve),
    ("GET", "/v1/balance_transactions", P.BalanceTransactionListParams, txn_list),
    ("GET", "/v1/balance_transactions/<id>", P.BalanceTransactionRetrieveParams, txn_retrieve),
    ("GET", "/v1/balance", P.BalanceRetrieveParams, balance_retrieve),
    ("GET", "/v1/events", P.EventListParams, event_list),
    ("GET", "/v1/events/<id>", P.EventRetrieveParams, event_retrieve),
]

URLS = Map(
    [Rule(path, methods=[method], endpoint=(params, handler)) for method, path, params, handler in ROUTES],
    strict_slashes=False,
)
