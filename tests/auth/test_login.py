from datetime import timedelta

import time_machine

from app.auth.models import AuthSession
from app.clock import utcnow
from tests.support.factories import PASSWORD, make_user


def _login(client, email, password=PASSWORD, remember=False):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def test_login_with_the_right_password_starts_a_server_side_session(client, db):
    user = make_user("ana@example.com")
    response = _login(client, "ANA@example.com")
    assert response.status_code == 303
    assert db.session.query(AuthSession).filter_by(user_id=user.id).count() == 1
    assert client.get("/settings/profile").status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_message(client):
    make_user("ana@example.com")
    wrong = _login(client, "ana@example.com", "not-the-password")
    unknown = _login(client, "nobody@example.com", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    message = "That email and password do not match an account."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(client):
    make_user("gone@example.com", active=False)
    assert _login(client, "gone@example.com").status_code == 401


def test_repeated_failures_lock_the_address_with_backoff_then_release(app, client):
    make_user("ana@example.com")
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(app.config["LOGIN_LOCK_AFTER"]):
            assert _login(client, "ana@example.com", "wrong-password-x").status_code == 401
        # Even the right password waits while the address is locked.
        locked = _login(client, "ana@example.com")
        assert locked.status_code == 429
        assert "Too many failed sign-in attempts" in locked.get_data(as_text=True)
        assert int(locked.headers["Retry-After"]) <= app.config["LOGIN_LOCK_BASE_SECONDS"] + 1

        clock.shift(timedelta(seconds=app.config["LOGIN_LOCK_BASE_SECONDS"] + 1))
        # One more failure after the lock doubles the wait.
        assert _login(client, "ana@example.com", "wrong-password-x").status_code == 401
        clock.shift(timedelta(seconds=app.config["LOGIN_LOCK_BASE_SECONDS"] + 1))
        assert _login(client, "ana@example.com").status_code == 429

        clock.shift(timedelta(seconds=app.config["LOGIN_LOCK_BASE_SECONDS"] * 2))
        assert _login(client, "ana@example.com").status_code == 303


def test_unknown_addresses_lock_too_so_lockout_reveals_nothing(app, client):
    for _ in range(app.config["LOGIN_LOCK_AFTER"]):
        _login(client, "ghost@example.com", "whatever-password")
    assert _login(client, "ghost@example.com", "whatever-password").status_code == 429


def test_login_form_is_rate_limited_per_address(app, client):
    statuses = [_login(client, f"u{i}@example.com", "wrong-password-x").status_code for i in range(12)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    assert "Too many requests" in _login(client, "x@example.com").get_data(as_text=True)


def test_login_gives_a_fresh_session_and_logout_ends_it_on_the_server(app, db):
    make_user("ana@example.com")
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    _login(client, "ana@example.com")
    with client.session_transaction() as session:
        assert "planted" not in session
        stolen_cookie = dict(session)

    client.post("/logout")
    assert db.session.query(AuthSession).count() == 0
    # Replaying the old cookie does not bring the session back.
    replay = app.test_client()
    with replay.session_transaction() as session:
        session.update(stolen_cookie)
    assert replay.get("/settings/profile").status_code == 303


def test_remember_me_sets_a_long_lived_cookie(client):
    make_user("ana@example.com")
    response = _login(client, "ana@example.com", remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0] and "SameSite=Lax" in remember[0]


def test_session_cookie_is_httponly_and_samesite_lax(client):
    make_user("ana@example.com")
    cookie = [c for c in _login(client, "ana@example.com").headers.getlist("Set-Cookie") if c.startswith("session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_next_parameter_returns_to_local_pages_only(client):
    make_user("ana@example.com")
    ok = client.post("/login?next=/settings/profile", data={"email": "ana@example.com", "password": PASSWORD})
    assert ok.headers["Location"] == "/settings/profile"
    client.post("/logout")
    for evil in ["https://evil.example/", "//evil.example", "/\\evil.example"]:
        response = client.post(f"/login?next={evil}", data={"email": "ana@example.com", "password": PASSWORD})
        assert response.headers["Location"] == "/"
        client.post("/logout")


def test_a_busy_database_never_fails_a_page_over_the_last_seen_time(app_config, db):
    """The session's last-seen time is refreshed best effort: with another writer holding the
    SQLite write lock, the page still loads."""
    import sqlite3

    from sqlalchemy import update

    from app import create_app
    from tests.conftest import IsolatedClient
    from tests.support.factories import login

    user = make_user("ana@example.com")
    db.session.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    busy_app = create_app({**app_config, "SQLITE_BUSY_TIMEOUT_MS": 200})
    busy_app.test_client_class = IsolatedClient
    client = busy_app.test_client()
    with busy_app.app_context():
        login(client, user)
        db.session.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
        if db.engine.dialect.name != "sqlite":
            assert client.get("/settings/profile").status_code == 200
            return
        blocker = sqlite3.connect(db.engine.url.database, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another request is writing
        try:
            assert client.get("/settings/profile").status_code == 200
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        db.engine.dispose()
