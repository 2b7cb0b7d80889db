"""Personal access tokens: created on the settings page or by CLI, shown once, stored hashed,
listed and revoked."""

import hashlib
import re

from sqlalchemy import select, text

from app.api import services
from app.api.models import ApiToken
from tests.api.conftest import bearer
from tests.support.factories import login, make_user


def _shown_secret(page: str) -> str:
    match = re.search(r'id="new-token"[^>]*value="([^"]+)"', page)
    assert match, "the new token is not on the page"
    return match.group(1)


def test_creating_a_token_shows_it_once_and_it_works(user_client, client):
    posted = user_client.post("/settings/tokens", data={"name": "Weekly report"})
    assert posted.status_code == 303 and posted.headers["Location"] == "/settings/tokens"  # post/redirect/get
    response = user_client.get("/settings/tokens")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = _shown_secret(response.get_data(as_text=True))
    assert secret.startswith("ifp_") and len(secret) > 40

    again = user_client.get("/settings/tokens").get_data(as_text=True)
    assert secret not in again  # never shown a second time
    assert "Weekly report" in again and secret[:12] in again  # only its name and prefix
    assert "Never" in again

    me = client.get("/api/v1/me", headers=bearer(secret))
    assert me.status_code == 200 and me.get_json()["id"] == user_client.user.id
    assert "just now" in user_client.get("/settings/tokens").get_data(as_text=True)


def test_the_database_keeps_only_a_digest_and_a_prefix(user_client, db):
    posted = user_client.post("/settings/tokens", data={"name": "ci"}, follow_redirects=True)
    secret = _shown_secret(posted.get_data(as_text=True))

    token = db.session.scalar(select(ApiToken))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    rows = db.session.execute(text("SELECT * FROM api_tokens")).all()
    assert rows and not any(secret in str(value) for row in rows for value in row)


def test_reloading_after_creating_a_token_creates_no_second_one(user_client, db):
    posted = user_client.post("/settings/tokens", data={"name": "ci"}, follow_redirects=True)
    secret = _shown_secret(posted.get_data(as_text=True))
    reloaded = user_client.get("/settings/tokens").get_data(as_text=True)  # what a reload sends now
    assert secret not in reloaded and 'id="new-token"' not in reloaded
    assert db.session.query(ApiToken).count() == 1


def test_an_empty_name_gets_a_default_and_a_long_one_is_refused(user_client, db):
    user_client.post("/settings/tokens", data={"name": ""})
    assert db.session.scalar(select(ApiToken.name)) == "Personal token"

    response = user_client.post("/settings/tokens", data={"name": "x" * 81})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "At most 80 characters." in page and 'id="new-token"' not in page


def test_revoking_from_the_settings_page(user_client, client, token_secret):
    token = services.active_tokens(user_client.user)[0]

    response = user_client.post(f"/settings/tokens/{token.id}/revoke")

    assert response.status_code == 303
    page = user_client.get("/settings/tokens").get_data(as_text=True)
    assert "revoked" in page and "test script" not in page.split("Your tokens")[1]
    assert client.get("/api/v1/me", headers=bearer(token_secret)).status_code == 401


def test_someone_else_s_token_cannot_be_revoked_or_seen(app, user, token_secret, client):
    token = services.active_tokens(user)[0]
    stranger = app.test_client()
    login(stranger, make_user(name="Stranger"))

    assert token.prefix not in stranger.get("/settings/tokens").get_data(as_text=True)
    assert stranger.post(f"/settings/tokens/{token.id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=bearer(token_secret)).status_code == 200


def test_the_settings_page_needs_sign_in(client):
    response = client.get("/settings/tokens")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_the_settings_menu_links_to_tokens(user_client):
    page = user_client.get("/settings/profile").get_data(as_text=True)
    assert 'href="/settings/tokens"' in page


def test_the_api_lists_tokens_without_their_secrets(user, api, token_secret):
    services.create_token(user, "second")
    body = api.get("/api/v1/tokens").get_json()
    assert [t["name"] for t in body["data"]] == ["second", "test script"]
    assert body["next_cursor"] is None
    assert token_secret not in str(body)
    assert body["data"][1]["prefix"] == token_secret[:12]


def test_cli_create_prints_a_working_token(runner, client, user, db):
    result = runner.invoke(args=["tokens", "create", "--email", user.email, "--name", "cron"])

    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()  # alone on stdout (log lines go to stderr), for `$(flask tokens create ...)`
    assert client.get("/api/v1/me", headers=bearer(secret)).get_json()["email"] == user.email
    assert db.session.scalar(select(ApiToken.name)) == "cron"


def test_cli_list_and_revoke(runner, client, user, token_secret):
    token = services.active_tokens(user)[0]
    listed = runner.invoke(args=["tokens", "list", "--email", user.email])
    assert token.prefix in listed.output and token_secret not in listed.output

    revoked = runner.invoke(args=["tokens", "revoke", "--email", user.email, "--id", str(token.id)])
    assert revoked.exit_code == 0, revoked.output
    assert client.get("/api/v1/me", headers=bearer(token_secret)).status_code == 401


def test_cli_refuses_an_unknown_account(runner):
    result = runner.invoke(args=["tokens", "create", "--email", "nobody@example.com"])
    assert result.exit_code != 0 and "No active account" in result.output
