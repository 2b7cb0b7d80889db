"""Error pages in the site's look, and one JSON error shape for API and JSON clients:
`{"error": {"code": ..., "message": ..., "fields": {...}}}`.

htmx requests get the JSON shape too: htmx swaps no error page, and static/app.js shows the
message beside the control that sent the request. (A route that answers an htmx refusal with
an HTML fragment, a control re-rendered with its message, sends that instead.)"""

from __future__ import annotations

import logging
import time

from flask import Flask, g, jsonify, render_template
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from app import audit
from app.errors_domain import DomainError, wait_phrase, wait_seconds
from app.extensions import db, htmx, limiter
from app.web import wants_json

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please sign in to continue.",
    403: "You do not have permission to do that.",
    404: "We could not find that page.",
    405: "That action is not allowed here.",
    409: "That conflicts with the current state.",
    413: "That upload is too large.",
    422: "Some of the values are not valid.",
    429: "Too many requests. Please wait a moment and try again.",
    500: "Something went wrong on our side. It has been logged; please try again.",
    503: "The site is busy just now. Nothing was changed; please try again in a moment.",
}
BUSY_RETRY_AFTER = 2  # seconds
# PostgreSQL's deadlock, lock-wait timeout and serialization failure: try again, it will go.
_BUSY_SQLSTATES = {"40P01", "55P03", "40001"}
CSRF_MESSAGE = "Your form expired or came from another site. Reload the page and try again."


def error_response(
    status: int,
    code: str | None = None,
    message: str | None = None,
    fields: dict | None = None,
    headers: dict | None = None,
):
    """A JSON error in the API's shape."""
    body = {
        "error": {
            "code": code or _code_for(status),
            "message": message or MESSAGES.get(status, "Request failed."),
            "fields": fields or {},
        }
    }
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _code_for(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        422: "invalid",
        429: "rate_limited",
        500: "server_error",
        503: "busy",
    }.get(status, "error")


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if isinstance(error, CSRFError):
        audit.event("auth.csrf_failed", logging.WARNING, reason=error.description)
        message, code = CSRF_MESSAGE, "csrf_failed"
    else:
        message = MESSAGES.get(status, error.description)
        code = None
        # Messages written for a specific refusal are more useful than the generic one.
        if error.description and error.description != type(error).description:
            message = error.description
    if status == 403:
        audit.event("authz.denied", logging.WARNING)
    wait = _wait_asked_by(error)
    if status == 429:
        audit.event("ratelimit.exceeded", logging.WARNING, limit=str(error.description))
        message = too_many_requests(wait)
    # Keep what the exception says beyond the body: Allow on 405, Retry-After on 429 and 503.
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    if wait is not None:
        headers.update(retry_after(wait))
    if _answers_json():
        return error_response(status, code, message, headers=headers)
    return _error_page(status, message), status, headers


def too_many_requests(wait: int | None) -> str:
    """The words of a 429: how long to wait, when the limit says."""
    if wait is None:
        return MESSAGES[429]
    return f"Too many requests. Try again in {wait_phrase(wait)}."


def _wait_asked_by(error: HTTPException) -> int | None:
    """Seconds until the request may be tried again: for a rate limit, until the limit that
    refused it resets (the limiter's own reset time); otherwise the exception's `retry_after`."""
    if isinstance(error, RateLimitExceeded) and limiter.current_limit is not None:
        return wait_seconds(limiter.current_limit.window.reset_time - time.time())
    wait = getattr(error, "retry_after", None)
    return wait if isinstance(wait, int) else None


def retry_after(seconds: int) -> dict[str, str]:
    """The `Retry-After` header of an answer asking to wait `seconds` (a 429 or a 503).
    Flask-Limiter writes that header on every answer from its own clock, rounded down; the
    value given here is the one sent (see `_keep_retry_after`), so it says what the page says."""
    g.retry_after = seconds
    return {"Retry-After": str(seconds)}


def _keep_retry_after(response):
    seconds = g.get("retry_after")
    if seconds is not None and response.status_code in (429, 503):
        response.headers["Retry-After"] = str(seconds)
    return response


def _answers_json() -> bool:
    return wants_json() or bool(htmx)


def _error_page(status: int, message: str) -> str:
    try:
        return render_template("errors/error.html", status=status, message=message)
    except Exception:  # the page itself failed (say, the database is down): plain words still help
        db.session.rollback()
        return f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(message)}</p>"


def database_busy(error: Exception) -> bool:
    """The database could not take this write now (SQLite's lock still held after the busy
    timeout; a PostgreSQL deadlock or lock timeout): the request may simply be tried again."""
    if not isinstance(error, OperationalError):
        return False
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return "database is locked" in str(original) or "database is busy" in str(original)


def handle_unexpected(error: Exception):
    # A failed request must not leave a half-written transaction behind for the next one.
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    if database_busy(error):
        audit.event("request.busy", logging.WARNING, error=str(getattr(error, "orig", error))[:200])
        busy = ServiceUnavailable(MESSAGES[503])
        busy.retry_after = BUSY_RETRY_AFTER
        return handle_http_error(busy)
    audit.logger.exception("request.failed", extra={"fields": {"event": "request.failed"}})
    return handle_http_error(InternalServerError())


def handle_domain_error(error: DomainError):
    """A service refusal no route caught: its own status and message, never a 500."""
    db.session.rollback()
    if error.status == 403:
        audit.event("authz.denied", logging.WARNING, reason=error.message)
    wait = getattr(error, "retry_after", None)
    headers = retry_after(wait) if wait is not None else {}
    if _answers_json():
        return error_response(error.status, error.code, error.message, error.fields, headers)
    return _error_page(error.status, error.message), error.status, headers


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)
    # After-request functions run last to first: this one, first in the list, runs after
    # Flask-Limiter's (registered before it), which would otherwise rewrite Retry-After.
    app.after_request_funcs.setdefault(None, []).insert(0, _keep_retry_after)
