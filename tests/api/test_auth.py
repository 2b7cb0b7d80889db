"""Who is calling: a bearer token or the browser session, and what happens when neither works."""

from datetime import timedelta

import time_machine
from sqlalchemy import select

from app.api import services
from app.api.models import ApiToken
from app.clock import utcnow
from tests.api.conftest import bearer
from tests.support.factories import PASSWORD, add_member, login, make_org, make_user


def _error(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_a_token_identifies_its_owner_and_sets_no_cookie(api, user):
    organisation = make_org(name="Acme Analytics", slug="acme")
    add_member(organisation, user, "judge")

    response = api.get("/api/v1/me")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    me = response.get_json()
    assert (me["id"], me["email"], me["display_name"]) == (user.id, user.email, "Casey Customer")
    assert me["email_verified"] is True
    assert me["organisations"] == [
        {"id": organisation.id, "slug": "acme", "name": "Acme Analytics", "roles": ["judge"]}
    ]


def test_a_write_with_a_token_sets_no_cookie_either(api):
    response = api.patch("/api/v1/me", json={"display_name": "Casey via script"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert api.get("/api/v1/me").get_json()["display_name"] == "Casey via script"


def test_the_token_wins_over_a_session_cookie_and_the_cookie_is_left_alone(app, user, token_secret):
    someone_else = make_user(name="Someone Else")
    browser = app.test_client()
    login(browser, someone_else)

    read = browser.get("/api/v1/me", headers=bearer(token_secret))
    write = browser.patch("/api/v1/me", json={"bio": "Written with the token."}, headers=bearer(token_secret))

    assert read.get_json()["display_name"] == "Casey Customer"
    assert write.get_json()["id"] == user.id
    assert "Set-Cookie" not in read.headers and "Set-Cookie" not in write.headers
    assert browser.get("/api/v1/me").get_json()["display_name"] == "Someone Else"


def test_an_unknown_token_is_refused_with_401(client):
    for header in ("Bearer ifp_not-a-real-token", "Bearer ", "bearer whatever"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert _error(response)["code"] == "invalid_token"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working(client, user, token_secret):
    assert client.get("/api/v1/me", headers=bearer(token_secret)).status_code == 200
    token = services.active_tokens(user)[0]
    services.revoke_token(user, token.id)

    response = client.get("/api/v1/me", headers=bearer(token_secret))

    assert response.status_code == 401
    assert _error(response)["code"] == "invalid_token"


def test_a_deactivated_account_s_tokens_stop_working(client, db, user, token_secret):
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token_secret)).status_code == 401


def test_an_invalid_token_is_refused_even_with_a_valid_session(user_client):
    response = user_client.get("/api/v1/me", headers={"Authorization": "Bearer ifp_forged"})
    assert response.status_code == 401


def test_no_credentials_is_401_in_the_error_shape(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert _error(response)["code"] == "unauthorized"


def test_the_browser_session_works_too(user_client):
    response = user_client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.get_json()["email"] == user_client.user.email


def test_last_used_is_recorded_at_most_once_a_minute(client, db, token_secret):
    def last_used():
        db.session.expire_all()
        return db.session.scalar(select(ApiToken.last_used_at))

    assert last_used() is None
    start = utcnow()
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/me", headers=bearer(token_secret))
    first = last_used()
    assert first == start

    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get("/api/v1/me", headers=bearer(token_secret))
    assert last_used() == first  # no write for a request within the minute

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get("/api/v1/me", headers=bearer(token_secret))
    assert last_used() == start + timedelta(seconds=61)


def test_the_token_wins_over_a_keep_me_signed_in_cookie(app, user, token_secret):
    someone_else = make_user(name="Someone Else")
    browser = app.test_client()
    signed_in = browser.post("/login", data={"email": someone_else.email, "password": PASSWORD, "remember": "y"})
    assert signed_in.status_code == 303 and browser.get_cookie("remember_token")

    response = browser.get("/api/v1/me", headers=bearer(token_secret))

    assert response.get_json()["display_name"] == "Casey Customer"
    assert "Set-Cookie" not in response.headers
