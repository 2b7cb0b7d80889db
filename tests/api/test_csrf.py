"""With CSRF protection on (as in production): a signed-in browser must prove the request came
from one of our pages; a program with a token need not, since no browser sends that for it."""

import re

import pytest

from tests.api.conftest import bearer


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def _page_csrf_token(client) -> str:
    page = client.get("/settings/tokens").get_data(as_text=True)
    return re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)


def test_a_session_write_without_the_csrf_header_is_refused(user_client):
    response = user_client.patch("/api/v1/me", json={"display_name": "Forged"})

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert user_client.get("/api/v1/me").get_json()["display_name"] == "Casey Customer"


def test_a_session_write_with_the_page_s_csrf_token_goes_through(user_client):
    token = _page_csrf_token(user_client)
    response = user_client.patch(
        "/api/v1/me", json={"display_name": "Casey from the page"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200
    assert response.get_json()["display_name"] == "Casey from the page"


def test_a_bearer_write_needs_no_csrf_token(client, token_secret):
    response = client.patch("/api/v1/me", json={"bio": "Scripted."}, headers=bearer(token_secret))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_session_reads_need_no_csrf_token(user_client):
    assert user_client.get("/api/v1/me").status_code == 200


def test_the_token_settings_form_is_csrf_protected(user_client, db):
    response = user_client.post("/settings/tokens", data={"name": "sneaky"})
    assert response.status_code == 400
    assert "sneaky" not in user_client.get("/settings/tokens").get_data(as_text=True)
