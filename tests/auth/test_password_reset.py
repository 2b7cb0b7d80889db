from datetime import timedelta

import time_machine

from app.auth.models import AuthSession
from app.clock import utcnow
from tests.support.factories import PASSWORD, login, make_user
from tests.support.mail import link_in, path_of

NEW = "glacier-lantern-77"


def _request_reset(client, mailbox, email="ana@example.com"):
    client.post("/forgot-password", data={"email": email})
    return path_of(link_in(mailbox.last_to(email), "/reset-password/"))


def test_reset_link_sets_a_new_password_and_works_once(app, client, mailbox):
    make_user("ana@example.com")
    path = _request_reset(client, mailbox)
    assert "Choose a new password" in client.get(path).get_data(as_text=True)
    response = client.post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 303
    assert mailbox.last_to("ana@example.com")["Subject"] == "Your password was changed"

    again = app.test_client().get(path)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)

    fresh = app.test_client()
    assert fresh.post("/login", data={"email": "ana@example.com", "password": PASSWORD}).status_code == 401
    assert fresh.post("/login", data={"email": "ana@example.com", "password": NEW}).status_code == 303


def test_reset_link_expires_after_an_hour(app, client, mailbox):
    make_user("ana@example.com")
    with time_machine.travel(utcnow(), tick=False) as clock:
        path = _request_reset(client, mailbox)
        clock.shift(timedelta(seconds=app.config["PASSWORD_RESET_MAX_AGE"] + 5))
        response = client.post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_unknown_address_gets_the_same_answer_and_no_mail(client, mailbox):
    make_user("ana@example.com")
    known = client.post("/forgot-password", data={"email": "ana@example.com"})
    unknown = client.post("/forgot-password", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 303
    assert mailbox.to("nobody@example.com") == []
    assert len(mailbox.to("ana@example.com")) == 1


def test_reset_signs_out_every_other_session(app, db, client, mailbox):
    user = make_user("ana@example.com")
    elsewhere = app.test_client()
    login(elsewhere, user)
    path = _request_reset(client, mailbox)
    client.post(path, data={"password": NEW, "confirm": NEW})
    assert elsewhere.get("/settings/profile").status_code == 303
    assert db.session.query(AuthSession).filter_by(user_id=user.id).count() == 1  # the new one


def test_mismatched_or_weak_new_password_changes_nothing(app, client, mailbox):
    make_user("ana@example.com")
    path = _request_reset(client, mailbox)
    assert client.post(path, data={"password": NEW, "confirm": NEW + "x"}).status_code == 422
    assert client.post(path, data={"password": "qwertyuiop", "confirm": "qwertyuiop"}).status_code == 422
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": "ana@example.com", "password": PASSWORD}).status_code == 303


def test_reset_requests_are_rate_limited(client, mailbox):
    statuses = [client.post("/forgot-password", data={"email": f"x{i}@example.com"}).status_code for i in range(6)]
    assert statuses[:5] == [303] * 5 and statuses[5] == 429


def test_a_reset_revokes_the_api_tokens_and_says_so(app, client, mailbox):
    from tests.support.factories import token_client

    user = make_user("ana@example.com")
    api = token_client(app, user)
    assert api.get("/api/v1/me").status_code == 200
    path = _request_reset(client, mailbox)
    done = client.post(path, data={"password": NEW, "confirm": NEW}, follow_redirects=True).get_data(as_text=True)
    assert "personal API tokens revoked" in done
    assert api.get("/api/v1/me").status_code == 401  # the token made with the lost password no longer works
