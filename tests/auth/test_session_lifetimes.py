"""Signed-in sessions end on the server: after a day unused, after 30 days unused with "keep me
signed in", and 90 days after sign-in at the latest, whatever cookie the browser still holds."""

from datetime import timedelta

import time_machine

from app.auth.models import AuthSession
from app.clock import utcnow
from tests.support.factories import PASSWORD, login, make_user

PAGE = "/settings/profile"  # any page that needs a signed-in member


def _signed_in(client) -> bool:
    return client.get(PAGE).status_code == 200


def _sign_in_kept(client, user) -> None:
    """Through the form, ticking "keep me signed in": the browser then holds the remember cookie
    that outlives its session cookie."""
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 303


def _reopen_browser(client) -> None:
    """The browser drops its session cookie when closed; only the remember cookie is left."""
    client.delete_cookie("session")


def _sessions(db, user) -> int:
    return db.session.query(AuthSession).filter_by(user_id=user.id).count()


def test_a_session_unused_for_a_day_ends_and_the_member_is_told_why(client, db):
    user = make_user("ana@example.com")
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        login(client, user, remember=False)
        clock.move_to(start + timedelta(hours=23))
        assert _signed_in(client)  # used: the day starts again
        clock.move_to(start + timedelta(hours=46))
        assert _signed_in(client)
        clock.move_to(start + timedelta(hours=71))
        response = client.get(PAGE)
        assert response.status_code == 303 and "/login" in response.headers["Location"]
        assert "Your session has ended" in client.get(response.headers["Location"]).get_data(as_text=True)
        assert _sessions(db, user) == 0  # gone from the server, not just refused
        assert not _signed_in(client)


def test_keep_me_signed_in_lasts_thirty_days_unused(app, client, db):
    user = make_user("ana@example.com")
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        _sign_in_kept(client, user)
        for day in (29, 58):  # the cookie, like the server's limit, counts from the last use
            clock.move_to(start + timedelta(days=day))
            _reopen_browser(client)
            assert _signed_in(client), day
        kept = client.get_cookie("remember_token").value
        clock.move_to(start + timedelta(days=88, hours=1))  # 30 days and an hour unused, within the 90
        _reopen_browser(client)
        assert not _signed_in(client)
        # A copy of the cookie that never expires (a stolen one, say) is refused by the server.
        replay = app.test_client()
        replay.set_cookie("remember_token", kept)
        assert not _signed_in(replay)
        assert _sessions(db, user) == 0


def _remember_cookie_set(response) -> str | None:
    return next((c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")), None)


def test_the_keep_me_signed_in_cookie_is_renewed_with_use_and_only_for_it(client, db):
    user = make_user("ana@example.com")
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        _sign_in_kept(client, user)
        clock.move_to(start + timedelta(days=29))
        _reopen_browser(client)
        renewed = _remember_cookie_set(client.get(PAGE))
        assert renewed and "Max-Age=2592000" in renewed  # 30 days from now, not from sign-in
        assert "HttpOnly" in renewed and "SameSite=Lax" in renewed
        clock.move_to(start + timedelta(days=29, minutes=1))
        assert _remember_cookie_set(client.get(PAGE)) is None  # at most every few minutes

        other = make_user("bo@example.com")
        not_kept = client.application.test_client()
        login(not_kept, other, remember=False)
        clock.move_to(start + timedelta(days=29, hours=1))
        response = not_kept.get(PAGE)
        assert response.status_code == 200 and _remember_cookie_set(response) is None


def test_no_session_outlives_ninety_days_however_often_it_is_used(client, db):
    user = make_user("ana@example.com")
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        _sign_in_kept(client, user)
        for day in range(20, 90, 20):
            clock.move_to(start + timedelta(days=day))
            _reopen_browser(client)
            assert _signed_in(client), day
        clock.move_to(start + timedelta(days=90, minutes=1))
        _reopen_browser(client)
        assert not _signed_in(client)


def test_the_api_answers_401_with_the_reason(client, db):
    user = make_user("ana@example.com")
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        login(client, user, remember=False)
        clock.move_to(start + timedelta(days=2))
        response = client.get(PAGE, headers={"Accept": "application/json"})
        assert response.status_code == 401
        assert "Your session has ended" in response.get_json()["error"]["message"]


def test_the_sessions_page_lists_live_sessions_and_signing_in_clears_ended_ones(app, client, db):
    user = make_user("ana@example.com")
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        login(app.test_client(), user, remember=False)  # another browser, never used again
        clock.move_to(start + timedelta(days=2))
        login(client, user, remember=False)
        page = client.get("/settings/sessions").get_data(as_text=True)
        assert page.count("pytest") == 1  # the user agent column: this session only
        assert _sessions(db, user) == 1
