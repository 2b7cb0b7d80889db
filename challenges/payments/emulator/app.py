"""The WSGI application: authentication, Stripe-Account, idempotency and faults around /v1."""

import contextlib
import json
import socket
import threading
import time

import stripe
from werkzeug.exceptions import HTTPException
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from . import api, control, flows, pages
from .errors import StripeError, invalid
from .params import check, decode
from .state import Store, new_id
from .webhooks import Deliverer


class EmulatorApp:
    """One emulator: its own state, webhook delivery and controller.

    ``api_key``: the only secret key accepted (default: any ``sk_test_``/``rk_test_`` key).
    ``webhooks``: endpoints to deliver to, as URLs or ``(url, "whsec_...")`` pairs.
    ``public_url``: the address browsers use for the hosted pages (default: the request's host).
    ``webhook_backoff`` / ``webhook_attempts`` / ``webhook_timeout``: retry schedule and per-attempt
    timeout in seconds. ``seed``: makes shuffled webhook order repeatable.
    """

    def __init__(
        self,
        api_key=None,
        webhooks=(),
        public_url=None,
        webhook_backoff=1.0,
        webhook_attempts=6,
        webhook_timeout=5.0,
        seed=None,
    ):
        self.api_key = api_key
        self.public_url = public_url.rstrip("/") + "/" if public_url else None
        self.deliverer = Deliverer(webhook_backoff, webhook_attempts, webhook_timeout, seed=seed)
        self.store = Store(on_event=self.deliverer.enqueue)
        self.controller = control.Controller(self.store, self.deliverer)
        for hook in webhooks:
            url, secret = hook if isinstance(hook, (tuple, list)) else (hook, None)
            self.controller.add_webhook_endpoint(url, secret)

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path.startswith("/v1/") or request.path == "/v1":
            response = self.api(request)
        elif request.path.startswith("/_emulator/"):
            response = control.dispatch(self.controller, request)
        else:
            response = pages.dispatch(self.store, request) or self._unrecognized(request)
        return response(environ, start_response)

    # -- /v1 -----------------------------------------------------------------------------------

    def api(self, request):
        request_id = new_id("req_", 14)
        key = request.headers.get("Idempotency-Key")
        try:
            api_key = self._authenticate(request)
            fault = self.controller.take_fault(request.method, request.path)
            if fault and fault["kind"] != "timeout":
                return self._fail_early(request, fault, request_id)
            try:
                (params_type, handler), args = api.URLS.bind_to_environ(request.environ).match()
            except HTTPException:
                return self._unrecognized(request, request_id)
            source = request.form if request.method == "POST" else request.args
            params = check(decode(source.items(multi=True)), params_type)
            scope = self._scope(request)
            status, body, replayed = self._run(request, api_key, scope, key, request_id, params, handler, args)
        except StripeError as error:  # refused before anything ran: nothing to replay later
            status, body, replayed, fault = error.status, error.body(request_id), False, None
        response = self._json(body, status, request_id)
        if key:
            response.headers["Idempotency-Key"] = key
        if replayed:
            response.headers["Idempotent-Replayed"] = "true"
        if fault and fault["kind"] == "timeout":
            self._drop(request, fault["sleep"])
        return response

    def _run(self, request, api_key, scope, key, request_id, params, handler, args):
        idem = (api_key, scope, key) if key and request.method == "POST" else None
        with self.store.lock:
            if idem in self.store.idempotency:
                stored = self.store.idempotency[idem]
                if (stored["method"], stored["path"], stored["params"]) != (request.method, request.path, params):
                    raise StripeError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters they were "
                        f"first used with. Try using a key other than '{key}' if you meant to execute a "
                        "different request.",
                        type="idempotency_error",
                    )
                return stored["status"], stored["body"], True
            self.store.request = {"id": request_id, "idempotency_key": key}
            flows.sweep_expired(self.store)
            call = api.Call(self.store, params, scope, self.public_url or request.host_url)
            try:
                status, body = 200, handler(call, **args)
            except StripeError as error:  # a request that ran and was refused replays its refusal
                status, body = error.status, error.body(request_id)
            finally:
                self.store.request = {"id": None, "idempotency_key": None}
            if idem:
                self.store.idempotency[idem] = {
                    "method": request.method,
                    "path": request.path,
                    "params": params,
                    "status": status,
                    "body": body,
                }
            return status, body, False

    def _authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if request.authorization and request.authorization.type == "basic":
            key = request.authorization.username or ""
        elif header.startswith("Bearer "):
            key = header[len("Bearer ") :].strip()
        else:
            raise StripeError(
                401,
                "You did not provide an API key. You need to provide your API key in the Authorization "
                "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
            )
        valid = key == self.api_key if self.api_key else key.startswith(("sk_test_", "rk_test_"))
        if not valid:
            raise StripeError(401, f"Invalid API Key provided: {key[:8]}{'*' * 4}{key[-4:]}")
        return key

    def _scope(self, request):
        account_id = request.headers.get("Stripe-Account")
        if not account_id:
            return None
        account = self.store.objects.get(account_id)
        if account is None or account["object"] != "account":
            raise StripeError(
                403,
                f"The provided key does not have access to account '{account_id}' (or that account "
                "does not exist). Application access may have been revoked.",
                code="account_invalid",
            )
        return account_id

    def _fail_early(self, request, fault, request_id):
        if fault["kind"] == "drop_before":
            self._drop(request, fault["sleep"])
        if fault["kind"] == "rate_limit":
            error = StripeError(
                429,
                "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
                code="rate_limit",
            )
        else:
            error = StripeError(500, "An unknown error occurred", type="api_error")
        response = self._json(error.body(request_id), error.status, request_id)
        if error.status == 500:
            response.headers["Stripe-Should-Retry"] = "true"
        return response

    @staticmethod
    def _drop(request, sleep):
        """Close the connection without an answer, as a client sees a network timeout."""
        time.sleep(sleep)
        sock = request.environ.get("werkzeug.socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        raise ConnectionAbortedError("fault injected: connection dropped")

    def _unrecognized(self, request, request_id=None):
        error = invalid(
            f"Unrecognized request URL ({request.method}: {request.path}). Please see "
            "https://stripe.com/docs or we can help at https://support.stripe.com/.",
            status=404,
        )
        return self._json(error.body(request_id), 404, request_id)

    @staticmethod
    def _json(body, status, request_id=None):
        response = Response(json.dumps(body, indent=2), status=status, mimetype="application/json")
        if request_id:
            response.headers["Request-Id"] = request_id
        response.headers["Stripe-Version"] = stripe.api_version
        return response


def make_app(**options):
    """A new emulator as a WSGI app; ``app.controller`` drives it. Options: see EmulatorApp."""
    return EmulatorApp(**options)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # tests read results, not access logs
        pass


def serve_in_thread(port=0, host="127.0.0.1", **options):
    """Serve a new emulator on loopback from a daemon thread; returns ``(url, controller)``.

    ``controller.shutdown()`` stops it. Pass ``webhook_backoff=0.05`` and the like for fast tests.
    """
    app = make_app(**options)
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    url = f"http://{host}:{server.server_port}"
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="stripe-emulator", daemon=True
    ).start()
    app.controller.url = url
    app.controller._server = server
    return url, app.controller
