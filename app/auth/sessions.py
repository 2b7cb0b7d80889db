"""Flask-Login glue: the cookie holds a session token; each request loads it from the database."""
from __future__ import annotations

from datetime import timedelta

from flask import request, url_for
from flask_login import LoginManager
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import OperationalError

from app.auth.models import AuthSession, User, token_digest
from app.clock import utcnow
from app.errors import error_response
from app.extensions import db
from app.web import current_page_path, redirect_to, wants_json

# last_seen_at is refreshed at most this often, so reading a page does not write every time.
SEEN_GRANULARITY = timedelta(minutes=5)


# Every signed-in request runs this; built once, it costs about half as much CPU as a
# statement built (and its cache key computed) anew each time. The session's two columns come
# as plain values: loading it as a second ORM object cost as much again as loading the user.
_SESSION_AND_USER = (select(User, AuthSession.id, AuthSession.last_seen_at)
                     .join(AuthSession, AuthSession.user_id == User.id)
                     .where(AuthSession.token_hash == bindparam("digest"), User.active.is_(True)))


def load_user_from_session_token(token: str) -> User | None:
    row = db.session.execute(_SESSION_AND_USER, {"digest": token_digest(token)}).first()
    if row is None:
        return None
    user, session_id, last_seen_at = row
    now = utcnow()
    if now - last_seen_at > SEEN_GRANULARITY:
        _touch(session_id, now)
    user._session_token = token
    user.auth_session_id = session_id
    return user


def _touch(session_id: int, now) -> None:
    """Note that a session was used, on a connection of its own and best effort: the request
    holds a read transaction that SQLite could not turn into a write while another request
    writes, and a stale timestamp must never fail a page."""
    try:
        with db.engine.connect() as connection:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                connection.execute(update(AuthSession).where(AuthSession.id == session_id)
                                   .values(last_seen_at=now))
    except OperationalError:
        pass


def unauthorized():
    """Sign-in needed: JSON clients get 401, htmx is sent to the login page, browsers too,
    each with the page they were on as `next`."""
    if wants_json():
        return error_response(401, "unauthorized", "Sign in, or send a personal access token.")
    return redirect_to(url_for("auth.login", next=current_page_path()))


def register(manager: LoginManager) -> None:
    manager.login_view = "auth.login"
    manager.session_protection = "basic"
    manager.user_loader(load_user_from_session_token)
    manager.unauthorized_handler(unauthorized)
