"""The real application served over HTTP on loopback, for browsers and concurrent clients.

`serving(config)` runs `create_app(config)` under werkzeug's threaded server in a background
thread; the `live_server` fixture does so with the test configuration (the `app_config` fixture),
CSRF and rate limits on, against the worker's own database, so a test can read through the `app`
fixture's session what the served app wrote. Use it from any test folder's conftest:

    from tests.support.live_server import live_server  # noqa: F401  (a fixture)
"""

from __future__ import annotations

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask, got_request_exception
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from app.extensions import db


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request: the browser tests make hundreds of them."""

    def log_request(self, code="-", size="-") -> None:
        pass


@dataclass
class LiveServer:
    url: str
    app: Flask
    # Exceptions that ended a request with a 5xx; a test (or the browser fixtures) asserts none.
    errors: list[BaseException] = field(default_factory=list)

    def __str__(self) -> str:
        return self.url


def live_config(app_config: dict) -> dict:
    """The test configuration as a browser needs it: CSRF and the real rate limits
    (in memory, so they are per test process and reset with the `app` fixture)."""
    return {**app_config, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


def _record_errors(application: Flask, errors: list) -> None:
    """Collect every exception that ends a request with a 5xx, whether the app's error
    handlers turned it into an error page or nothing caught it."""
    handle = application.handle_user_exception

    def handle_user_exception(error):
        answer = handle(error)  # re-raises when no handler wants it: then the signal sees it
        if not isinstance(error, HTTPException) and application.make_response(answer).status_code >= 500:
            errors.append(error)
        return answer

    application.handle_user_exception = handle_user_exception
    got_request_exception.connect(lambda sender, exception, **extra: errors.append(exception), application, weak=False)


@contextmanager
def serving(config: dict):
    """Serve `create_app(config)` on 127.0.0.1 and a free port until the block ends.

    Yields a LiveServer. Raises OSError if no port can be bound.
    """
    application = create_app(config)
    server = make_server("127.0.0.1", 0, application, threaded=True, request_handler=_QuietHandler)
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=application)
    # Links in mail built outside a request (jobs, CLI) must point at this server too.
    application.config["BASE_URL"] = live.url

    _record_errors(application, live.errors)
    # A short poll interval lets shutdown() return at once instead of after half a second.
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"live-server-{server.server_port}",
        daemon=True,
    )
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        # Close pooled connections, or PostgreSQL's TRUNCATE in the `app` teardown would wait on them.
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def session_cookie(app: Flask, token: str) -> str:
    """The Cookie header of a browser signed in with the session `token` (what the login form
    leaves), signed for the served `app`."""
    signed = SecureCookieSessionInterface().get_signing_serializer(app).dumps({"_user_id": token, "_fresh": True})
    return f"{app.config.get('SESSION_COOKIE_NAME', 'session')}={signed}"


def post_at_once(live: LiveServer, posts: list[tuple[str, dict, str]]) -> list[int]:
    """Send every (path, form, cookie) POST at the same moment, each on its own connection, and
    return the status codes in the same order."""
    parts = urlsplit(live.url)
    barrier = threading.Barrier(len(posts))

    def post(path: str, form: dict, cookie: str) -> int:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        barrier.wait()
        try:
            connection.request(
                "POST",
                path,
                body=urlencode(form),
                headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            )
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    with ThreadPoolExecutor(len(posts)) as pool:
        return [future.result() for future in [pool.submit(post, *one) for one in posts]]


@pytest.fixture
def live_server(app, app_config):
    """A LiveServer (`.url`, `.app`, `.errors`) for one test. Depends on `app`, whose teardown
    empties the tables after the server has stopped."""
    with serving(live_config(app_config)) as live:
        yield live
