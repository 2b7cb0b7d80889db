"""Security headers on every response, and the endpoint browsers report CSP violations to."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, abort, current_app, request
from flask_login import current_user

from app import audit
from app.extensions import csrf, limiter

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "report-uri /csp-report",
    ]
)

bp = Blueprint("security", __name__)


@bp.post("/csp-report")
@csrf.exempt
@limiter.limit("30 per minute")
def csp_report():
    """Browsers post violation reports here; they are logged for whoever runs the site."""
    report = request.get_json(force=True, silent=True) or {}
    body = report.get("csp-report", report) if isinstance(report, dict) else {}
    audit.event(
        "csp.violation",
        logging.WARNING,
        blocked=str(body.get("blocked-uri", ""))[:300],
        directive=str(body.get("violated-directive", ""))[:100],
        document=str(body.get("document-uri", ""))[:300],
    )
    return "", 204


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["HSTS_ENABLED"]:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if "Cache-Control" not in headers and _personal():
        # Shown to one person (a token, a billing page, a webhook secret): kept by no cache on
        # the way, nor in the browser's history once they sign out.
        headers["Cache-Control"] = "private, no-store"
    return response


def _personal() -> bool:
    if request.endpoint == "static":
        return False
    return request.path.startswith("/api/") or current_user.is_authenticated


NUL_MESSAGE = "Text may not contain NUL characters."


def refuse_nul_characters():
    """NUL cannot be stored in PostgreSQL text and is never meant: refuse it in forms and query
    strings with a clear 400 instead of failing deep in the database. (The JSON API cleans its
    own inputs, as its document promises.)"""
    if request.path.startswith("/api/"):
        return
    values = list(request.form.values()) + list(request.args.values())
    if any("\x00" in value for value in values):
        abort(400, NUL_MESSAGE)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(refuse_nul_characters)
    app.after_request(set_security_headers)
