"""Test and development controls: a Python ``Controller`` and the same verbs under /_emulator/.

Nothing here exists in Stripe; it stands in for the Dashboard, the passage of time and the
network's bad days, so tests can drive every state a payment can reach.
"""

import json
import threading

from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Response

from . import flows
from .errors import StripeError

FAULT_KINDS = ("timeout", "error_500", "rate_limit", "drop_before")


class Controller:
    def __init__(self, store, deliverer):
        self.store = store
        self.deliverer = deliverer
        self.faults = []
        self._faults_lock = threading.Lock()
        self.url = None  # set by serve_in_thread
        self._server = None

    # -- state ---------------------------------------------------------------------------------

    def reset(self):
        """Forget every object, event, endpoint, fault and delivery setting."""
        with self.store.lock:
            self.store.reset()
            self.store.clock_offset = 0
        self.deliverer.reset()
        with self._faults_lock:
            self.faults.clear()

    def advance_clock(self, seconds):
        """Move the emulator's clock forward (links and sessions expire by it)."""
        with self.store.lock:
            self.store.clock_offset += int(seconds)
            flows.sweep_expired(self.store)
            return self.store.now()

    def objects(self, kind):
        """Every object of ``kind`` (e.g. "transfer"), newest first, any owner."""
        with self.store.lock:
            return [self.store.render(o) for o in self.store.objects.values() if o["object"] == kind][::-1]

    # -- webhooks ------------------------------------------------------------------------------

    def add_webhook_endpoint(self, url, secret=None, connect=None, enabled_events=("*",)):
        """Returns ``{"id", "url", "secret", ...}``; the secret is generated when not given."""
        return self.deliverer.add_endpoint(url, secret, connect, enabled_events)

    def remove_webhook_endpoint(self, endpoint_id):
        return self.deliverer.remove_endpoint(endpoint_id)

    def set_delivery(self, duplicate=None, reorder=None, paused=None, delay=None):
        """``duplicate`` sends every event twice; ``reorder`` "shuffle"/"reverse"/"none"; ``paused``
        holds them until resumed or flushed; ``delay`` seconds hold each new one back."""
        return self.deliverer.configure(duplicate, reorder, paused, delay)

    def flush(self):
        """Attempt every pending delivery once, synchronously; returns how many were attempted."""
        return self.deliverer.flush()

    def wait_for_deliveries(self, timeout=5.0):
        return self.deliverer.wait_idle(timeout)

    def deliveries(self):
        with self.deliverer.lock:
            return [
                {k: v for k, v in d.items() if k != "payload"} | {"attempts": list(d["attempts"])}
                for d in self.deliverer.deliveries
            ]

    # -- faults --------------------------------------------------------------------------------

    def inject_fault(self, kind, method="POST", path="/v1/", count=1, sleep=0.0):
        """Make the next ``count`` requests matching ``method`` and the ``path`` prefix fail.

        ``timeout``: the request is carried out, then the connection closes unanswered (after
        ``sleep`` seconds), like a timeout after Stripe did the work. ``drop_before``: closed
        before anything happens. ``error_500``: a 500 api_error, nothing done. ``rate_limit``: 429.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        fault = {
            "kind": kind,
            "method": method.upper(),
            "path": path,
            "remaining": int(count),
            "sleep": float(sleep),
        }
        with self._faults_lock:
            self.faults.append(fault)
        return dict(fault)

    def clear_faults(self):
        with self._faults_lock:
            self.faults.clear()

    def take_fault(self, method, path):
        with self._faults_lock:
            for fault in self.faults:
                if fault["remaining"] > 0 and fault["method"] in (method, "*") and path.startswith(fault["path"]):
                    fault["remaining"] -= 1
                    return dict(fault)
        return None

    # -- what Stripe's users would do elsewhere --------------------------------------------------

    def complete_onboarding(self, account_id):
        return self._act(flows.complete_onboarding, account_id)

    def pay_checkout(self, session_id, outcome="card"):
        """As if the customer chose ``card``, ``bank_success``, ``bank_fail`` or ``decline``."""
        return self._act(flows.pay_session, session_id, outcome)

    def settle_checkout(self, session_id, succeed=None):
        """Settle a bank payment: ``succeed`` True/False, or None for what the payer chose."""
        return self._act(flows.settle_session, session_id, succeed)

    def expire_checkout(self, session_id):
        return self._act(flows.expire_session, session_id)

    def reverse_transfer(self, transfer_id, amount=None):
        """A reversal made outside the API (from the Dashboard): transfer.reversed follows."""
        params = {} if amount is None else {"amount": int(amount)}
        return self._act(flows.create_reversal, transfer_id, params)

    def refuse_refunds(self, refuse=True):
        """While on, every new refund is refused as Stripe refuses one the platform's balance
        cannot cover (``balance_insufficient``); the refusal is replayed for its key."""
        with self.store.lock:
            self.store.refund_refusal = (
                "Your platform's available balance is insufficient to cover this refund." if refuse else None
            )

    def _act(self, action, *args):
        with self.store.lock:
            self.store.request = {"id": None, "idempotency_key": None}
            return self.store.render(action(self.store, *args))

    def shutdown(self):
        """Stop the server started by ``serve_in_thread`` and the delivery thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.deliverer.stop()


# -- the same verbs over HTTP (no authentication: a local development tool) ----------------------


def _body(request):
    data = request.get_json(silent=True)
    if data is None:
        data = request.form.to_dict() or request.args.to_dict()
    return data


def _bool(value):
    if value is None or isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "yes", "on")


ROUTES = Map(
    [
        Rule("/_emulator/reset", methods=["POST"], endpoint=lambda c, b: c.reset()),
        Rule(
            "/_emulator/clock",
            methods=["POST"],
            endpoint=lambda c, b: {"now": c.advance_clock(b.get("advance", 0))},
        ),
        Rule("/_emulator/webhooks", methods=["GET"], endpoint=lambda c, b: list(c.deliverer.endpoints.values())),
        Rule(
            "/_emulator/webhooks",
            methods=["POST"],
            endpoint=lambda c, b: c.add_webhook_endpoint(
                b["url"], b.get("secret"), _bool(b.get("connect")), b.get("enabled_events") or ("*",)
            ),
        ),
        Rule(
            "/_emulator/webhooks/<endpoint_id>",
            methods=["DELETE"],
            endpoint=lambda c, b, endpoint_id: {"deleted": c.remove_webhook_endpoint(endpoint_id)},
        ),
        Rule(
            "/_emulator/delivery",
            methods=["POST"],
            endpoint=lambda c, b: c.set_delivery(
                _bool(b.get("duplicate")), b.get("reorder"), _bool(b.get("paused")), b.get("delay")
            ),
        ),
        Rule("/_emulator/deliveries", methods=["GET"], endpoint=lambda c, b: c.deliveries()),
        Rule("/_emulator/flush", methods=["POST"], endpoint=lambda c, b: {"attempted": c.flush()}),
        Rule(
            "/_emulator/refunds", methods=["POST"], endpoint=lambda c, b: c.refuse_refunds(_bool(b.get("refuse", True)))
        ),
        Rule("/_emulator/faults", methods=["GET"], endpoint=lambda c, b: c.faults),
        Rule(
            "/_emulator/faults",
            methods=["POST"],
            endpoint=lambda c, b: c.inject_fault(
                b["kind"], b.get("method", "POST"), b.get("path", "/v1/"), b.get("count", 1), b.get("sleep", 0)
            ),
        ),
        Rule("/_emulator/faults", methods=["DELETE"], endpoint=lambda c, b: c.clear_faults()),
        Rule(
            "/_emulator/accounts/<account_id>/complete_onboarding",
            methods=["POST"],
            endpoint=lambda c, b, account_id: c.complete_onboarding(account_id),
        ),
        Rule(
            "/_emulator/checkout/sessions/<session_id>/pay",
            methods=["POST"],
            endpoint=lambda c, b, session_id: c.pay_checkout(session_id, b.get("outcome", "card")),
        ),
        Rule(
            "/_emulator/checkout/sessions/<session_id>/settle",
            methods=["POST"],
            endpoint=lambda c, b, session_id: c.settle_checkout(session_id, _bool(b.get("succeed"))),
        ),
        Rule(
            "/_emulator/checkout/sessions/<session_id>/expire",
            methods=["POST"],
            endpoint=lambda c, b, session_id: c.expire_checkout(session_id),
        ),
        Rule(
            "/_emulator/transfers/<transfer_id>/reverse",
            methods=["POST"],
            endpoint=lambda c, b, transfer_id: c.reverse_transfer(transfer_id, b.get("amount")),
        ),
    ]
)


def dispatch(controller, request):
    """Answer a /_emulator/ request with JSON; errors keep Stripe's shape."""
    try:
        action, args = ROUTES.bind_to_environ(request.environ).match()
    except Exception:
        return _json(
            {
                "error": {
                    "type": "invalid_request_error",
                    "message": f"Unknown control {request.method} {request.path}",
                }
            },
            404,
        )
    try:
        result = action(controller, _body(request) or {}, **args)
    except StripeError as error:
        return _json(error.body(), error.status)
    except (KeyError, ValueError, TypeError) as error:
        return _json({"error": {"type": "invalid_request_error", "message": f"Bad control request: {error}"}}, 400)
    return _json({"ok": True} if result is None else result, 200)


def _json(body, status):
    return Response(json.dumps(body, indent=2), status=status, mimetype="application/json")
