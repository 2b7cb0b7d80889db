import json
import logging

import pytest
from sqlalchemy import select

from app.audit import logger as audit_logger
from app.auth.models import User
from app.errors_domain import wait_phrase
from app.extensions import db as _db
from app.logs import JsonFormatter
from tests.support.factories import make_user


def test_404_is_a_page_in_the_site_look_and_json_for_json_clients(client):
    page = client.get("/nowhere")
    assert page.status_code == 404 and "Page not found" in page.get_data(as_text=True)
    api = client.get("/api/v1/nowhere")
    assert api.status_code == 404
    assert api.get_json()["error"]["code"] == "not_found"
    accept_json = client.get("/nowhere", headers={"Accept": "application/json"})
    assert accept_json.get_json()["error"]["message"]


def test_unexpected_errors_roll_back_and_answer_500(app, client, db):
    @app.get("/boom")
    def boom():
        _db.session.add(User(email="half@example.com", password_hash="x", display_name="Half"))
        _db.session.flush()
        raise RuntimeError("kaboom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert "kaboom" not in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "half@example.com")) is None


def test_oversized_requests_are_refused_with_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "a@example.com", "password": "x" * 4096})
    assert response.status_code == 413


def test_writes_are_rate_limited_with_a_clear_429_page(app, user_client):
    app.config["RATELIMIT_WRITE"] = "3 per minute"
    statuses = [
        user_client.post("/settings/profile", data={"display_name": f"N{i}", "bio": ""}).status_code for i in range(4)
    ]
    assert statuses == [303, 303, 303, 429]
    page = user_client.post("/settings/profile", data={"display_name": "N", "bio": ""})
    wait = int(page.headers["Retry-After"])
    assert 0 < wait <= 60  # the minute of the limit, counted from its first write
    assert f"Too many requests. Try again in {wait} seconds." in page.get_data(as_text=True)
    assert user_client.get("/settings/profile").status_code == 200  # reading is not limited


def test_an_htmx_request_over_the_limit_is_told_the_same_wait(app, user_client):
    app.config["RATELIMIT_WRITE"] = "1 per hour"
    user_client.post("/settings/profile", data={"display_name": "N", "bio": ""})
    answer = user_client.post(
        "/settings/profile", data={"display_name": "M", "bio": ""}, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 429
    wait = int(answer.headers["Retry-After"])
    assert 3500 < wait <= 3600
    minutes = -(-wait // 60)
    assert answer.get_json()["error"]["message"] == f"Too many requests. Try again in {minutes} minutes."


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.2, "1 second"),
        (42, "42 seconds"),
        (119, "119 seconds"),
        (120, "2 minutes"),
        (150, "3 minutes"),
        (7199, "120 minutes"),
        (7200, "2 hours"),
        (86399.5, "24 hours"),
    ],
)
def test_waits_are_said_in_words_rounded_up(seconds, words):
    assert wait_phrase(seconds) == words


@pytest.fixture
def audit_lines():
    """What the audit logger writes, one JSON object a line."""
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(JsonFormatter().format(record)))

    handler = Collect()
    audit_logger.addHandler(handler)
    yield lines
    audit_logger.removeHandler(handler)


def test_auth_events_are_logged_as_json_without_secrets(client, audit_lines):
    make_user("ana@example.com")
    client.post("/login", data={"email": "ana@example.com", "password": "wrong-secret-value"})
    lines = audit_lines
    failed = [entry for entry in lines if entry.get("event") == "auth.login_failed"]
    assert failed and failed[0]["failures"] == 1
    raw = json.dumps(lines)
    assert "wrong-secret-value" not in raw and "ana@example.com" not in raw


def test_failed_authorisations_are_logged(app, client, audit_lines):
    from tests.support.factories import add_member, login, make_org

    org = make_org(slug="acme")
    judge = add_member(org, None, "judge")
    login(client, judge)
    assert client.get("/orgs/acme/settings").status_code == 403
    events = [line["event"] for line in audit_lines]
    assert "authz.denied" in events


def test_405_pages_say_which_methods_are_allowed(client):
    response = client.get("/logout")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


def test_ids_beyond_the_database_range_are_404_not_500(user_client):
    for url in ("/ideas/99999999999999999999", "/people/2147483648", "/api/v1/ideas/9223372036854775808"):
        assert user_client.get(url).status_code == 404, url
    assert user_client.post("/ideas/99999999999999999999/vote", data={"value": "1"}).status_code == 404


def test_ids_beyond_the_range_never_confuse_method_matching(user_client):
    assert user_client.open("/api/v1/ideas/99999999999999", method="PATCH", json={}).status_code in (401, 404)
    assert user_client.post("/comments/2147483648/delete").status_code == 404
    assert user_client.post("/comments/2147483647/delete").status_code == 404  # in range, just absent


def test_nul_characters_are_refused_with_a_clear_message_and_change_nothing(user_client, db):
    response = user_client.post("/settings/profile", data={"display_name": "Bad\x00Name", "bio": ""})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    assert user_client.get("/orgs/?q=%00").status_code == 400
    api = user_client.patch("/api/v1/me", json={"bio": "nul \u0000 here"})
    assert api.status_code == 200  # the API drops NUL characters instead
    db.session.refresh(user_client.user)
    assert "\x00" not in user_client.user.display_name + user_client.user.bio
