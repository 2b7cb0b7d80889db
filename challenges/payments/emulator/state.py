"""The emulator's memory: objects by id, events, idempotent responses, all behind one lock."""

import copy
import secrets
import string
import threading
import time

import stripe

from .errors import invalid, missing

_ALPHABET = string.ascii_letters + string.digits
# Object types as their ids announce them, for expansion and error messages.
PREFIXES = {
    "acct_": "account",
    "cs_test_": "checkout.session",
    "pi_": "payment_intent",
    "ch_": "charge",
    "re_": "refund",
    "trr_": "transfer_reversal",
    "tr_": "transfer",
    "txn_": "balance_transaction",
    "evt_": "event",
}


def new_id(prefix, length=24):
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


class Store:
    """All state of one emulator instance.

    API requests run one at a time under ``lock`` (an RLock, so flows may nest), which keeps
    every balance check and idempotency lookup free of races without finer locking.
    """

    def __init__(self, on_event=None):
        self.lock = threading.RLock()
        self.on_event = on_event or (lambda event: None)
        self.clock_offset = 0
        self.reset()

    def reset(self):
        with self.lock:
            self.objects = {}  # id -> public object dict
            self.owner = {}  # id -> connected account that owns it (None: the platform)
            self.order = {}  # id -> insertion sequence, to order objects created in one second
            self.private = {}  # id -> data Stripe keeps but does not show (line items, links)
            self.idempotency = {}  # (scope, key) -> stored response
            self.links = {}  # account link token -> link record
            self.onboarding = {}  # onboarding page token -> account id
            self.request = {"id": None, "idempotency_key": None}
            self.sequence = 0
            self.refund_refusal = None  # Controller.refuse_refunds: why refunds are refused now
            # GET /v1/account without Stripe-Account answers with the platform itself.
            self.platform = {
                "id": new_id("acct_", 16),
                "object": "account",
                "type": "standard",
                "country": "US",
                "default_currency": "usd",
                "charges_enabled": True,
                "payouts_enabled": True,
                "details_submitted": True,
                "email": "platform@example.com",
                "metadata": {},
                "capabilities": {"card_payments": "active", "transfers": "active"},
                "created": self.now(),
            }

    def now(self):
        return int(time.time()) + self.clock_offset

    # -- objects ---------------------------------------------------------------------------

    def add(self, obj, owner=None):
        with self.lock:
            self.sequence += 1
            self.objects[obj["id"]] = obj
            self.owner[obj["id"]] = owner
            self.order[obj["id"]] = self.sequence
            return obj

    def get(self, object_id, kind, scope=None, param="id"):
        """The object ``object_id`` of type ``kind`` visible to ``scope``, or Stripe's 404."""
        obj = self.objects.get(object_id)
        if obj is None or obj["object"] != kind or self.owner.get(object_id) != scope:
            raise missing(kind.split(".")[-1].replace("_", " "), object_id, param)
        return obj

    def all(self, kind, scope=None):
        """Objects of ``kind`` owned by ``scope``, newest first as Stripe lists them."""
        found = [o for i, o in self.objects.items() if o["object"] == kind and self.owner.get(i) == scope]
        return sorted(found, key=lambda o: (o["created"], self.order[o["id"]]), reverse=True)

    def page(self, items, params, url):
        """Stripe's list object with limit / starting_after / ending_before cursors."""
        limit = params.get("limit", 10)
        if not 1 <= limit <= 100:
            raise invalid("Invalid limit: must be between 1 and 100", code="parameter_invalid", param="limit")
        ids = [o["id"] for o in items]
        if "starting_after" in params and "ending_before" in params:
            raise invalid("You may only specify one of these parameters: starting_after, ending_before.")
        if "starting_after" in params:
            cursor = self._cursor(ids, params["starting_after"], "starting_after")
            window = items[cursor + 1 :]
            data, has_more = window[:limit], len(window) > limit
        elif "ending_before" in params:
            cursor = self._cursor(ids, params["ending_before"], "ending_before")
            window = items[:cursor]
            data, has_more = window[-limit:], len(window) > limit
        else:
            data, has_more = items[:limit], len(items) > limit
        return {"object": "list", "data": data, "has_more": has_more, "url": url}

    def _cursor(self, ids, object_id, param):
        if object_id not in ids:
            raise missing(PREFIXES.get(_prefix(object_id), "object"), object_id, param)
        return ids.index(object_id)

    def render(self, obj, expand=(), scope=None):
        """A copy of ``obj`` as the API shows it, with sub-lists filled and ``expand`` applied."""
        out = copy.deepcopy(obj)
        if out.get("object") == "charge":
            refunds = [r for r in self.all("refund") if r["charge"] == out["id"]]
            out["refunds"] = self._sublist(refunds, f"/v1/charges/{out['id']}/refunds")
        if out.get("object") == "transfer":
            reversals = [r for r in self.all("transfer_reversal") if r["transfer"] == out["id"]]
            out["reversals"] = self._sublist(reversals, f"/v1/transfers/{out['id']}/reversals")
        for path in expand:
            self._expand(out, path.split("."), scope)
        return out

    def _sublist(self, items, url):
        data = [copy.deepcopy(o) for o in items[:10]]
        return {"object": "list", "data": data, "has_more": len(items) > 10, "total_count": len(items), "url": url}

    def _expand(self, node, parts, scope):
        if not parts or not isinstance(node, dict):
            return
        head, rest = parts[0], parts[1:]
        if head == "data" and node.get("object") == "list":
            for item in node["data"]:
                self._expand(item, rest, scope)
            return
        value = node.get(head)
        if isinstance(value, str) and value in self.objects:
            node[head] = value = self.render(self.objects[value], scope=scope)
        elif head not in node or (value is not None and not isinstance(value, dict)):
            raise invalid(f"This property cannot be expanded ({head}).", code="parameter_invalid", param="expand")
        self._expand(value, rest, scope)

    # -- events ----------------------------------------------------------------------------

    def emit(self, kind, obj, account=None, previous=None):
        """Record an Event holding a snapshot of ``obj`` now, and hand it to webhook delivery."""
        data = {"object": self.render(obj)}
        if previous:
            data["previous_attributes"] = previous
        event = {
            "id": new_id("evt_"),
            "object": "event",
            "account": account,
            "api_version": stripe.api_version,
            "created": self.now(),
            "data": data,
            "livemode": False,
            "pending_webhooks": 0,
            "request": dict(self.request),
            "type": kind,
        }
        if account is None:
            del event["account"]  # platform events carry no account field
        self.add(event, owner=account)
        self.on_event(event)
        return event


def _prefix(object_id):
    for prefix in PREFIXES:
        if object_id.startswith(prefix):
            return prefix
    return ""


def changed(before, after):
    """Stripe's ``previous_attributes``: the old values of the top-level fields that changed."""
    return {k: v for k, v in before.items() if after.get(k) != v}
