from sqlalchemy import select

from app.auth.models import AuthSession
from tests.support.factories import PASSWORD, login, make_user, token_client

NEW = "glacier-lantern-77"


def test_profile_update_shows_on_the_public_profile(user_client, client):
    response = user_client.post(
        "/settings/profile", data={"display_name": "Casey C. Customer", "bio": "I run <b>reports</b> every Monday."}
    )
    assert response.status_code == 303
    page = client.get(f"/people/{user_client.user.id}").get_data(as_text=True)
    assert "Casey C. Customer" in page
    assert "I run &lt;b&gt;reports&lt;/b&gt; every Monday." in page  # escaped, not rendered


def test_profile_requires_a_name(user_client):
    response = user_client.post("/settings/profile", data={"display_name": "  ", "bio": ""})
    assert response.status_code == 422
    assert "Enter your name." in response.get_data(as_text=True)


def test_change_password_needs_the_current_one_and_ends_other_sessions(app, db, user_client):
    user = user_client.user
    other = app.test_client()
    login(other, user)

    wrong = user_client.post(
        "/settings/password", data={"current_password": "nope-nope-nope", "new_password": NEW, "confirm": NEW}
    )
    assert wrong.status_code == 422 and "Not correct." in wrong.get_data(as_text=True)
    assert other.get("/settings/profile").status_code == 200

    ok = user_client.post(
        "/settings/password", data={"current_password": PASSWORD, "new_password": NEW, "confirm": NEW}
    )
    assert ok.status_code == 303
    assert user_client.get("/settings/profile").status_code == 200  # this session stays
    assert other.get("/settings/profile").status_code == 303  # the other one is gone


def test_a_password_change_keeps_api_tokens_unless_asked_to_revoke_them(app, user_client):
    api = token_client(app, user_client.user)
    form = user_client.get("/settings/password").get_data(as_text=True)
    assert "Also revoke my personal API tokens" in form

    kept = user_client.post(
        "/settings/password",
        data={"current_password": PASSWORD, "new_password": NEW, "confirm": NEW},
        follow_redirects=True,
    )
    assert "API tokens revoked" not in kept.get_data(as_text=True)
    assert api.get("/api/v1/me").status_code == 200

    revoked = user_client.post(
        "/settings/password",
        data={
            "current_password": NEW,
            "new_password": PASSWORD + "-2",
            "confirm": PASSWORD + "-2",
            "revoke_api_tokens": "y",
        },
        follow_redirects=True,
    )
    assert "your personal API tokens revoked" in revoked.get_data(as_text=True)
    assert api.get("/api/v1/me").status_code == 401


def test_sessions_page_lists_devices_and_signs_one_out(app, db, user_client):
    other = app.test_client()
    login(other, user_client.user)
    page = user_client.get("/settings/sessions").get_data(as_text=True)
    assert "This device" in page
    other_id = db.session.scalars(
        select(AuthSession.id).where(AuthSession.user_id == user_client.user.id).order_by(AuthSession.id.desc())
    ).first()
    assert user_client.post(f"/settings/sessions/{other_id}/end").status_code == 303
    assert other.get("/settings/profile").status_code == 303


def test_cannot_end_someone_elses_session(app, db, user_client):
    stranger = make_user()
    stranger_client = app.test_client()
    login(stranger_client, stranger)
    theirs = db.session.scalar(select(AuthSession.id).where(AuthSession.user_id == stranger.id))
    assert user_client.post(f"/settings/sessions/{theirs}/end").status_code == 404
    assert stranger_client.get("/settings/profile").status_code == 200


def test_public_profile_of_a_deactivated_user_is_404(client):
    gone = make_user(active=False)
    assert client.get(f"/people/{gone.id}").status_code == 404
