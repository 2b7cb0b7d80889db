"""Flask-Login glue: the cookie holds a session token; each request loads it from the database."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, flash, g, session, url_for
from flask_login import LoginManager, current_user
from flask_login.config import COOKIE_NAME
from flask_login.utils import encode_cookie
from sqlalchemy import bindparam, delete, select, update

from app.auth.lifetimes import lifetimes
from app.auth.models import AuthSession, User, token_digest
from app.clock import utcnow
from app.db_types import write_aside
from app.errors import error_response
from app.extensions import db
from app.web import current_page_path, redirect_to, wants_json

# last_seen_at is refreshed at most this often, so reading a page does not write every time.
SEEN_GRANULARITY = timedelta(minutes=5)


# Every signed-in request runs this; built once, it costs about half as much CPU as a
# statement built (and its cache key computed) anew each time. The session's columns come as
# plain values: loading it as a second ORM object cost as much again as loading the user.
_SESSION_AND_USER = (
    select(User, AuthSession.id, AuthSession.created_at, AuthSession.last_seen_at, AuthSession.remember)
    .join(AuthSession, AuthSession.user_id == User.id)
    .where(AuthSession.token_hash == bindparam("digest"), User.active.is_(True))
)


def load_user_from_session_token(token: str) -> User | None:
    row = db.session.execute(_SESSION_AND_USER, {"digest": token_digest(token)}).first()
    if row is None:
        return None
    user, session_id, created_at, last_seen_at, remember = row
    now = utcnow()
    if lifetimes().expired(now, created_at, last_seen_at, remember):
        write_aside(delete(AuthSession).where(AuthSession.id == session_id))
        g.session_expired = True
        return None
    if now - last_seen_at > SEEN_GRANULARITY:
        write_aside(update(AuthSession).where(AuthSession.id == session_id).values(last_seen_at=now))
        if remember:
            g.renew_remember_cookie = token
    user._session_token = token
    user.auth_session_id = session_id
    return user


EXPIRED_MESSAGE = "Your session has ended after a while without use. Sign in again to go on."


def unauthorized():
    """Sign-in needed: JSON clients get 401, htmx is sent to the login page, browsers too,
    each with the page they were on as `next` (and told why, when their session ran out)."""
    expired = g.get("session_expired", False)
    if wants_json():
        return error_response(
            401, "unauthorized", EXPIRED_MESSAGE if expired else "Sign in, or send a personal access token."
        )
    if expired:
        flash(EXPIRED_MESSAGE, "info")
    return redirect_to(url_for("auth.login", next=current_page_path()))


def renew_remember_cookie(response):
    """A "keep me signed in" cookie lasts REMEMBERED_SESSION_IDLE_DAYS from the session's last
    use, as the server's limit does, not from sign-in: renewed whenever the loader notes a use
    (every few minutes at most). Flask-Login's own refresh would touch every visitor's session."""
    token = g.pop("renew_remember_cookie", None)
    if (
        token
        and current_user.is_authenticated
        and current_user.get_id() == token
        and session.get("_remember") != "clear"
    ):
        config = current_app.config
        response.set_cookie(
            config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME),
            encode_cookie(token),
            max_age=config["REMEMBER_COOKIE_DURATION"],
            path=config.get("REMEMBER_COOKIE_PATH", "/"),
            domain=config.get("REMEMBER_COOKIE_DOMAIN"),
            secure=config["REMEMBER_COOKIE_SECURE"],
            httponly=config["REMEMBER_COOKIE_HTTPONLY"],
            samesite=config["REMEMBER_COOKIE_SAMESITE"],
        )
    return response


def register(app: Flask, manager: LoginManager) -> None:
    app.after_request(renew_remember_cookie)
    manager.login_view = "auth.login"
    manager.session_protection = "basic"
    manager.user_loader(load_user_from_session_token)
    manager.unauthorized_handler(unauthorized)
