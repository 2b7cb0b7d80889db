"""How an API request is authenticated: a personal access token (`Authorization: Bearer ...`)
or the browser session, which then needs the CSRF token on unsafe methods."""

from __future__ import annotations

from flask import Flask, Request, Response, current_app, g, request
from flask.sessions import SecureCookieSession, SessionInterface
from flask_login import current_user
from werkzeug.exceptions import MethodNotAllowed

from app.api import services
from app.auth.models import User
from app.errors import error_response
from app.extensions import csrf, login_manager

API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
INVALID_TOKEN = "That access token is not valid: it may have been revoked or mistyped."


def bearer_secret(req: Request) -> str | None:
    """The token of an `Authorization: Bearer` header: None without one, "" if it is empty."""
    scheme, _, value = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def uses_token(req: Request) -> bool:
    return req.path.startswith(API_PREFIX) and bearer_secret(req) is not None


class TokenAwareSessions(SessionInterface):
    """Wraps the app's session interface: an API request carrying a token is stateless, so its
    session cookie is neither read (the token alone says who is calling) nor set."""

    def __init__(self, inner: SessionInterface):
        self.inner = inner

    def open_session(self, app: Flask, req: Request):
        if uses_token(req):
            return SecureCookieSession()
        return self.inner.open_session(app, req)

    def save_session(self, app: Flask, session, response: Response) -> None:
        if uses_token(request):
            return None
        return self.inner.save_session(app, session, response)

    def make_null_session(self, app: Flask):
        return self.inner.make_null_session(app)

    def is_null_session(self, obj) -> bool:
        return self.inner.is_null_session(obj)


def load_user_from_token(req: Request) -> User | None:
    """Flask-Login's request loader, so `current_user` (and the per-user rate limit) see the
    token's owner from the first access on."""
    secret = bearer_secret(req) if req.path.startswith(API_PREFIX) else None
    if not secret:
        return None
    token = services.authenticate_token(secret)
    if token is None:
        return None
    g.api_token = token
    return token.user


def check_request(require_user: bool) -> Response | None:
    """Run before every API operation: the response to send instead of calling it, or None.

    Raises CSRFError (answered as 400) for a session-authenticated unsafe request without a
    valid X-CSRFToken header.
    """
    secret = bearer_secret(request)
    if secret is not None:
        if g.get("api_token") is None:
            # The request loader did not run (a remember-me cookie came too): the token still wins.
            token = services.authenticate_token(secret) if secret else None
            if token is None:
                return error_response(
                    401, "invalid_token", INVALID_TOKEN, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
                )
            g.api_token = token
            login_manager._update_request_context_with_user(token.user)
        return None
    # Only a signed-in browser carries authority a forged request could borrow.
    if request.method not in SAFE_METHODS and current_user.is_authenticated and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    if require_user and not current_user.is_authenticated:
        return error_response(
            401, "unauthorized", "Sign in, or send a personal access token.", headers={"WWW-Authenticate": "Bearer"}
        )
    return None


def add_allow_header(response: Response) -> Response:
    """A 405 says which methods the address does accept (RFC 9110)."""
    error = request.routing_exception
    if (
        response.status_code == 405
        and isinstance(error, MethodNotAllowed)
        and error.valid_methods
        and "Allow" not in response.headers
        and request.path.startswith(API_PREFIX)
    ):
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def register(app: Flask) -> None:
    app.session_interface = TokenAwareSessions(app.session_interface)
    login_manager.request_loader(load_user_from_token)
    app.after_request(add_allow_header)
