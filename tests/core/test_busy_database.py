"""Requests that write while another writer holds SQLite's lock (a background job, say): they wait
for it, and when it outlasts the busy timeout they answer 503 with Retry-After and change nothing,
never 500. Token reads, sign-in, sign-up and a comment, against a live server."""

from __future__ import annotations

import http.client
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import func, select

from app.api import services as token_services
from app.auth import services as auth_services
from app.auth.models import User
from app.errors import database_busy
from ideas.models import Comment
from tests.support.factories import PASSWORD, make_board, make_idea, make_org, make_user
from tests.support.live_server import serving, session_cookie
from tests.support.sqlite_lock import another_writer


def _request(url: str, method: str, path: str, form: dict | None = None, headers: dict | None = None):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        body = urlencode(form) if form is not None else None
        sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})} if form is not None else headers
        connection.request(method, path, body=body, headers=sent or {})
        response = connection.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        connection.close()


def _at_once(calls) -> list:
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as error:  # shown by the assertion below
            results[index] = (repr(error), {})

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.parametrize(
    ("busy_timeout_ms", "hold_seconds", "may_refuse"),
    [(10_000, 0.5, False), (100, 1.5, True)],
    ids=["the-writer-finishes-within-the-busy-timeout", "the-writer-outlasts-it"],
)
def test_writes_meet_another_writer_without_a_500(
    app, app_config, db, sqlite_only, busy_timeout_ms, hold_seconds, may_refuse
):
    member = make_user("casey@example.com")
    _token, secret = token_services.create_token(member, "script")
    idea_id = make_idea(make_board(make_org())).id
    session_token = auth_services.start_session(member, remember=True)
    users_before = db.session.scalar(select(func.count()).select_from(User))
    config = {**app_config, "SQLITE_BUSY_TIMEOUT_MS": busy_timeout_ms, "RATELIMIT_ENABLED": False}

    with serving(config) as live:
        cookie = session_cookie(live.app, session_token)
        calls = [
            lambda: _request(live.url, "GET", "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}),
            lambda: _request(live.url, "POST", "/login", {"email": member.email, "password": PASSWORD}),
            lambda: _request(live.url, "POST", "/login", {"email": member.email, "password": "wrong-password-1"}),
            lambda: _request(
                live.url, "POST", "/signup", {"display_name": "Dee", "email": "dee@example.com", "password": PASSWORD}
            ),
            lambda: _request(
                live.url,
                "POST",
                f"/ideas/{idea_id}/comments",
                {"body": "Written while a job writes"},
                {"Cookie": cookie},
            ),
        ]
        with another_writer(db, seconds=hold_seconds):
            answers = _at_once(calls)
        # Every exception that ended a request with a 5xx, but for the database being busy (503).
        errors = [str(error)[:300] for error in live.errors if not database_busy(error)]

    statuses = [status for status, _ in answers]
    assert errors == [] and all(status < 500 or (may_refuse and status == 503) for status in statuses), statuses
    for status, headers in answers:
        if status == 503:
            assert headers.get("Retry-After") == "2"
    db.session.commit()  # a fresh snapshot
    signed_up = db.session.scalar(select(func.count()).select_from(User)) - users_before
    commented = db.session.scalar(select(func.count()).select_from(Comment).where(Comment.idea_id == idea_id))
    # What was refused changed nothing; what answered did its work.
    assert signed_up == (0 if statuses[3] == 503 else 1)
    assert commented == (0 if statuses[4] == 503 else 1)
    if not may_refuse:
        assert 503 not in statuses and statuses[0] == 200
