"""Webhooks in the JSON API: org admins only (anyone else 404), the secret once, the test
event's result, the delivery log; and the guard against private addresses in production."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.webhooks.models import WebhookEndpoint
from tests.support.factories import add_member, make_org, make_user, token_client
from tests.webhooks.conftest import add_endpoint, verify


@pytest.fixture
def admin_api(app, org):
    return token_client(app, org.memberships[0].user)


def test_an_admin_manages_webhooks_through_the_api(org, admin_api, receiver):
    created = admin_api.post(
        "/api/v1/organisations/acme/webhooks",
        json={"url": receiver.url + "/api", "events": ["idea.created", "idea.created", "challenge.award_made"]},
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["idea.created", "challenge.award_made"]
    webhook_id = body["id"]

    listed = admin_api.get("/api/v1/organisations/acme/webhooks").get_json()["data"]
    assert [w["id"] for w in listed] == [webhook_id] and "secret" not in listed[0]

    patched = admin_api.patch(f"/api/v1/webhooks/{webhook_id}", json={"active": False, "description": "ERP"})
    assert patched.status_code == 200
    assert (patched.get_json()["active"], patched.get_json()["description"], patched.get_json()["url"]) == (
        False,
        "ERP",
        receiver.url + "/api",
    )

    tested = admin_api.post(f"/api/v1/webhooks/{webhook_id}/test")
    assert tested.status_code == 200
    result = tested.get_json()
    assert result["event_type"] == "ping" and result["state"] == "succeeded"
    assert result["attempts"][0]["status_code"] == 200 and result["attempts"][0]["response_body"] == "ok"
    request = receiver.wait_for(1)[0]
    assert verify(body["secret"], request.headers["X-Ideaforge-Signature"], request.body)

    log = admin_api.get(f"/api/v1/webhooks/{webhook_id}/deliveries?limit=1").get_json()
    assert [d["id"] for d in log["data"]] == [result["id"]] and log["next_cursor"] is None
    assert log["data"][0]["payload"]["type"] == "ping"

    assert admin_api.delete(f"/api/v1/webhooks/{webhook_id}").status_code == 204
    assert admin_api.get(f"/api/v1/webhooks/{webhook_id}").status_code == 404


def test_the_delivery_log_pages_newest_first(org, admin_api, receiver):
    endpoint, _ = add_endpoint(org, receiver)
    for _ in range(3):
        admin_api.post(f"/api/v1/webhooks/{endpoint.id}/test")
    first = admin_api.get(f"/api/v1/webhooks/{endpoint.id}/deliveries?limit=2").get_json()
    second = admin_api.get(
        f"/api/v1/webhooks/{endpoint.id}/deliveries?limit=2&cursor={first['next_cursor']}"
    ).get_json()
    ids = [d["id"] for d in first["data"] + second["data"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 3 and second["next_cursor"] is None


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"url": "ftp://example.com", "events": ["idea.created"]}, "url"),
        ({"url": "https://example.com", "events": []}, "events"),
        ({"url": "https://example.com", "events": ["idea.deleted"]}, "events.0"),
        ({"url": "https://example.com", "events": ["idea.created"], "secret": "mine"}, "secret"),
    ],
)
def test_bad_input_is_422_naming_the_field(org, admin_api, payload, field):
    response = admin_api.post("/api/v1/organisations/acme/webhooks", json=payload)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    assert db.session.query(WebhookEndpoint).count() == 0


def test_everyone_but_the_organisations_admins_gets_404(app, org, receiver):
    endpoint, _ = add_endpoint(org, receiver)
    pm = token_client(app, add_member(org, None, "pm", "judge"))
    other_admin = token_client(app, make_org(slug="globex").memberships[0].user)
    stranger = token_client(app, make_user())
    calls = [
        ("get", "/api/v1/organisations/acme/webhooks", None),
        ("post", "/api/v1/organisations/acme/webhooks", {"url": receiver.url, "events": ["idea.created"]}),
        ("get", f"/api/v1/webhooks/{endpoint.id}", None),
        ("patch", f"/api/v1/webhooks/{endpoint.id}", {"active": False}),
        ("post", f"/api/v1/webhooks/{endpoint.id}/test", None),
        ("get", f"/api/v1/webhooks/{endpoint.id}/deliveries", None),
        ("delete", f"/api/v1/webhooks/{endpoint.id}", None),
    ]
    for client in (pm, other_admin, stranger):
        for method, path, body in calls:
            assert getattr(client, method)(path, json=body).status_code == 404, (method, path)
    # 404 comes before the body is read: a bad body tells an outsider nothing either.
    assert stranger.patch(f"/api/v1/webhooks/{endpoint.id}", json={"active": "nope"}).status_code == 404
    assert app.test_client().get(f"/api/v1/webhooks/{endpoint.id}").status_code == 401
    assert receiver.requests == [] and db.session.get(WebhookEndpoint, endpoint.id).active


class TestProduction:
    @pytest.fixture
    def app_config(self, app_config):
        app_config.update(APP_ENV="production", WTF_CSRF_ENABLED=True, RATELIMIT_PER_PROCESS=True)
        return app_config

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:8080/hooks",
            "http://localhost/hooks",
            "http://10.0.0.7/hooks",
            "http://192.168.1.20/hooks",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/hooks",
            "http://[::ffff:127.0.0.1]/hooks",
            "http://0.0.0.0/",
        ],
    )
    def test_private_and_local_addresses_are_refused(self, org, admin_api, url):
        response = admin_api.post("/api/v1/organisations/acme/webhooks", json={"url": url, "events": ["idea.created"]})
        assert response.status_code == 422
        assert "private or local network" in response.get_json()["error"]["fields"]["url"][0]

    def test_an_address_that_turned_private_is_not_contacted(self, org, admin_api, receiver):
        endpoint = WebhookEndpoint(
            organisation_id=org.id, url=receiver.url, secret="whsec_x", events="idea.created"
        )  # saved before the rule, or a name now resolving inside
        db.session.add(endpoint)
        db.session.commit()
        result = admin_api.post(f"/api/v1/webhooks/{endpoint.id}/test").get_json()
        assert result["state"] == "failed" and "private or local network" in result["attempts"][0]["error"]
        assert receiver.requests == []

    def test_a_flag_allows_private_addresses(self, app, org, admin_api, receiver):
        app.config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"] = True
        response = admin_api.post(
            "/api/v1/organisations/acme/webhooks", json={"url": receiver.url, "events": ["idea.created"]}
        )
        assert response.status_code == 201
        assert admin_api.post(f"/api/v1/webhooks/{response.get_json()['id']}/test").get_json()["state"] == "succeeded"
