"""Every API failure answers in one JSON shape: {"error": {"code", "message", "fields"}}."""

import pytest

from app.api import services
from tests.api.conftest import bearer
from tests.support.factories import make_user


def _error(response) -> dict:
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_an_unknown_api_address_is_a_json_404(api):
    response = api.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_an_unsupported_method_is_a_json_405_that_says_what_is_allowed(api):
    response = api.delete("/api/v1/me")
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "PATCH"}


def test_invalid_fields_are_422_naming_each_field(api):
    response = api.patch("/api/v1/me", json={"display_name": "", "bio": "b" * 2001, "colour": "red"})
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"display_name", "bio", "colour"}
    assert api.get("/api/v1/me").get_json()["display_name"] == "Casey Customer"


def test_a_blank_name_is_refused_by_the_same_rule_as_the_settings_page(api):
    response = api.patch("/api/v1/me", json={"display_name": "   "})
    assert response.status_code == 422 and "display_name" in _error(response)["fields"]


@pytest.mark.parametrize(
    "kwargs", [{"data": "display_name=x"}, {"data": "{not json", "content_type": "application/json"}, {}]
)
def test_a_body_that_is_not_json_is_400(api, kwargs):
    response = api.patch("/api/v1/me", **kwargs)
    assert response.status_code == 400
    assert _error(response)["code"] == "bad_request"


def test_a_json_body_that_is_not_an_object_is_422(api):
    response = api.patch("/api/v1/me", json=["display_name"])
    assert response.status_code == 422 and "body" in _error(response)["fields"]


def test_too_many_writes_get_429_in_the_error_shape(app, api):
    app.config["RATELIMIT_WRITE"] = "2 per minute"
    statuses = [api.patch("/api/v1/me", json={"bio": str(n)}).status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    response = api.patch("/api/v1/me", json={"bio": "again"})
    assert _error(response)["code"] == "rate_limited"
    wait = response.headers["Retry-After"]
    assert _error(response)["message"] == f"Too many requests. Try again in {wait} seconds."
    assert api.get("/api/v1/me").status_code == 200  # reads are not limited


def test_the_limit_is_per_account_not_per_address(app, api):
    app.config["RATELIMIT_WRITE"] = "2 per minute"
    for n in range(2):
        api.patch("/api/v1/me", json={"bio": str(n)})
    assert api.patch("/api/v1/me", json={"bio": "x"}).status_code == 429
    _token, secret = services.create_token(make_user(), "other")
    other = app.test_client()  # same address, another account
    assert other.patch("/api/v1/me", json={"bio": "y"}, headers=bearer(secret)).status_code == 200


def test_an_unexpected_failure_is_a_json_500(app, client):
    def boom():
        raise RuntimeError("kaput")

    app.add_url_rule("/api/v1/test-boom", view_func=boom)
    response = client.get("/api/v1/test-boom")
    assert response.status_code == 500
    error = _error(response)
    assert error["code"] == "server_error" and "kaput" not in error["message"]
