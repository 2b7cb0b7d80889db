"""The anonymous page cache (app/page_cache.py) on board pages: shared by anonymous visitors
for PAGE_CACHE_SECONDS, never by signed-in members, never carrying one visitor's token or
cookie to another."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
import redis
from itsdangerous import URLSafeTimedSerializer

from app import create_app
from app.page_cache import CSRF_PLACEHOLDER, MemoryStore
from tests.support.factories import login, make_board, make_idea, make_org, seasoned_user

TTL = 30
HX = {"HX-Request": "true"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PAGE_CACHE_SECONDS": TTL}


@pytest.fixture
def board(db):
    return make_board(make_org(slug="acme"), name="Dashboards", slug="dash")


def _token(html: str) -> str:
    return html.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]


def _session_cookie(response) -> str | None:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith("session="):
            return header.split(";", 1)[0]
    return None


def test_a_second_anonymous_visitor_gets_the_cached_page_with_a_token_of_their_own(app, board):
    make_idea(board, title="The first idea on the board")
    first = app.test_client().get("/boards/acme/dash")
    assert first.status_code == 200 and "Age" not in first.headers
    make_idea(board, title="An idea posted a moment later")

    visitor = app.test_client()
    second = visitor.get("/boards/acme/dash")
    html = second.get_data(as_text=True)
    assert second.status_code == 200 and second.headers["Age"] == "0"
    assert "The first idea on the board" in html
    assert "An idea posted a moment later" not in html  # at most TTL seconds stale
    assert CSRF_PLACEHOLDER not in html
    # The token is the second visitor's own: it signs the raw token in their session.
    assert _token(html) != _token(first.get_data(as_text=True))
    with visitor.session_transaction() as session:
        raw = session["csrf_token"]
    assert URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").loads(_token(html)) == raw
    # ...and the cookie is theirs too, not the first visitor's.
    assert _session_cookie(second) and _session_cookie(second) != _session_cookie(first)


def test_a_returning_visitor_with_a_token_gets_no_new_cookie(app, board):
    visitor = app.test_client()
    visitor.get("/boards/acme/dash")
    visitor.get("/boards/acme/dash")  # (Flask-Login notes the session is not fresh, once)
    again = visitor.get("/boards/acme/dash")
    assert again.headers["Age"] == "0"
    assert _session_cookie(again) is None


def test_signed_in_members_never_get_the_cached_copy_nor_fill_it(app, board):
    make_idea(board, title="The first idea on the board")
    app.test_client().get("/boards/acme/dash")  # cached for anonymous visitors
    make_idea(board, title="An idea posted a moment later")

    member = app.test_client()
    login(member, seasoned_user(name="Morgan Member"))
    page = member.get("/boards/acme/dash")
    html = page.get_data(as_text=True)
    assert "Age" not in page.headers
    assert "An idea posted a moment later" in html and "Morgan Member" in html

    other_board = make_board(board.organisation, slug="other")
    make_idea(other_board, title="Only on the other board")
    assert "Age" not in member.get("/boards/acme/other").headers
    anonymous = app.test_client().get("/boards/acme/other")
    assert "Age" not in anonymous.headers  # the member's visit stored nothing
    assert "Morgan Member" not in anonymous.get_data(as_text=True)


def test_a_fragment_and_a_full_page_are_cached_apart(app, board):
    make_idea(board, title="The first idea on the board")
    page = app.test_client().get("/boards/acme/dash")
    fragment = app.test_client().get("/boards/acme/dash", headers=HX)
    assert "Age" not in fragment.headers  # not the page's entry
    assert "<html" in page.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    again = app.test_client().get("/boards/acme/dash", headers=HX)
    assert again.headers["Age"] == "0" and again.get_data() == fragment.get_data()
    assert "HX-Request" in again.headers["Vary"]


def test_other_query_strings_are_other_pages(app, board):
    app.test_client().get("/boards/acme/dash?sort=top")
    assert "Age" not in app.test_client().get("/boards/acme/dash?sort=new").headers
    assert app.test_client().get("/boards/acme/dash?sort=top").headers["Age"] == "0"


def test_the_copy_expires_after_page_cache_seconds(app, board, time_machine):
    time_machine.move_to("2026-03-02 10:00:00", tick=False)
    app.test_client().get("/boards/acme/dash")
    make_idea(board, title="An idea posted a moment later")
    time_machine.shift(timedelta(seconds=TTL - 1))
    stale = app.test_client().get("/boards/acme/dash")
    assert stale.headers["Age"] == str(TTL - 1)
    assert "An idea posted a moment later" not in stale.get_data(as_text=True)
    time_machine.shift(timedelta(seconds=1))
    fresh = app.test_client().get("/boards/acme/dash")
    assert "Age" not in fresh.headers
    assert "An idea posted a moment later" in fresh.get_data(as_text=True)


def test_a_visitor_with_a_message_waiting_sees_it_and_it_is_not_shared(app, board):
    app.test_client().get("/boards/acme/dash")
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("success", "You have signed out.")]
    page = visitor.get("/boards/acme/dash")
    assert "Age" not in page.headers and "You have signed out." in page.get_data(as_text=True)
    assert "You have signed out." not in app.test_client().get("/boards/acme/dash").get_data(as_text=True)


def test_errors_are_not_cached(app, board):
    assert app.test_client().get("/boards/acme/nope").status_code == 404
    make_board(board.organisation, slug="nope")
    assert app.test_client().get("/boards/acme/nope").status_code == 200


def test_zero_seconds_turns_it_off(app, board):
    app.config["PAGE_CACHE_SECONDS"] = 0
    app.test_client().get("/boards/acme/dash")
    assert "Age" not in app.test_client().get("/boards/acme/dash").headers


def test_the_in_process_store_keeps_a_bounded_number_of_pages():
    store = MemoryStore(max_entries=2)
    for key in ("a", "b", "c"):
        store.set(key, 60, time.time(), "text/html", key)
    assert store.get("a") is None and store.get("c") is not None


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=0.2).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_every_worker_shares_the_copy(app_config, db):
    slug = f"org-{uuid.uuid4().hex[:8]}"  # keys of their own: other test processes share Redis
    config = {**app_config, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    worker_one, worker_two = create_app(config), create_app(config)
    board = make_board(make_org(slug=slug), slug="dash")
    make_idea(board, title="The first idea on the board")
    assert "Age" not in worker_one.test_client().get(f"/boards/{slug}/dash").headers
    make_idea(board, title="An idea posted a moment later")
    second = worker_two.test_client().get(f"/boards/{slug}/dash")
    assert second.headers["Age"] in ("0", "1")
    assert "An idea posted a moment later" not in second.get_data(as_text=True)
    assert CSRF_PLACEHOLDER not in second.get_data(as_text=True)
    with worker_two.app_context():
        from app.page_cache import store

        store().clear()
