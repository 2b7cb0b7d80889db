"""The org admins' webhook pages: who may see them, creating with the secret shown once, editing,
rotating, deleting, and "Send test" with and without htmx."""

from __future__ import annotations

import json
import re

import pytest
from flask.sessions import SecureCookieSessionInterface

from app.extensions import db
from app.webhooks.models import WebhookEndpoint
from tests.support.factories import add_member, login, make_org, make_user
from tests.webhooks.conftest import add_endpoint, deliveries, verify


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _session_of(client) -> dict:
    """What the browser's session cookie holds, as anyone holding the cookie could read it."""
    app = client.application
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie.value)


def _secret_in(html: str) -> str:
    return re.search(r'value="(whsec_[^"]+)"', html).group(1)


NEW_ENDPOINT = {"description": "CRM sync", "events": ["idea.created", "idea.status_changed"], "active": "y"}


def test_admins_add_a_webhook_and_see_its_secret_once(org, org_admin_client, receiver):
    posted = org_admin_client.post("/orgs/acme/webhooks/new", data={"url": receiver.url + "/in", **NEW_ENDPOINT})
    endpoint = db.session.query(WebhookEndpoint).one()
    # Post/redirect/get: the secret is on the page the post redirects to, shown once.
    assert posted.status_code == 303
    assert posted.headers["Location"] == f"/orgs/acme/webhooks/{endpoint.id}/secret?rotated=0"
    assert endpoint.secret not in json.dumps(_session_of(org_admin_client))  # kept sealed, not in clear
    response = org_admin_client.get(posted.headers["Location"])
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = _secret_in(response.get_data(as_text=True))
    assert secret == endpoint.secret and "Webhook added" in response.get_data(as_text=True)
    assert (endpoint.url, endpoint.event_list, endpoint.active) == (
        receiver.url + "/in",
        ["idea.created", "idea.status_changed"],
        True,
    )

    listing = org_admin_client.get("/orgs/acme/webhooks/").get_data(as_text=True)
    assert receiver.url + "/in" in listing and "CRM sync" in listing and secret not in listing
    assert secret not in org_admin_client.get(f"/orgs/acme/webhooks/{endpoint.id}").get_data(as_text=True)


def test_reloading_the_secret_page_creates_nothing_and_shows_the_secret_no_more(org, org_admin_client, receiver):
    posted = org_admin_client.post("/orgs/acme/webhooks/new", data={"url": receiver.url + "/in", **NEW_ENDPOINT})
    assert "whsec_" in org_admin_client.get(posted.headers["Location"]).get_data(as_text=True)
    again = org_admin_client.get(posted.headers["Location"], follow_redirects=True)
    page = again.get_data(as_text=True)
    assert again.request.path.endswith(f"/webhooks/{db.session.query(WebhookEndpoint).one().id}")
    assert "whsec_" not in page and "shown once and is not shown again" in page
    assert db.session.query(WebhookEndpoint).count() == 1
    # Another admin's browser has nothing kept for it either.
    other = org_admin_client.application.test_client()
    login(other, org.memberships[0].user)
    assert "whsec_" not in other.get(posted.headers["Location"], follow_redirects=True).get_data(as_text=True)


def test_an_old_copy_of_the_cookie_no_longer_reveals_the_secret(org, org_admin_client, receiver):
    import time_machine

    from app.clock import utcnow
    from app.once import MAX_AGE_SECONDS

    posted = org_admin_client.post("/orgs/acme/webhooks/new", data={"url": receiver.url + "/in", **NEW_ENDPOINT})
    with time_machine.travel(utcnow().timestamp() + MAX_AGE_SECONDS + 60):
        page = org_admin_client.get(posted.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "whsec_" not in page and "shown once and is not shown again" in page


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://example.com/hooks", "Use an http:// or https:// address."),
        ("javascript:alert(1)", "Use an http:// or https:// address."),
        ("https://", "The address needs a host name"),
        ("", "Enter the address"),
    ],
)
def test_a_bad_address_is_refused_with_a_message(org, org_admin_client, url, message):
    response = org_admin_client.post("/orgs/acme/webhooks/new", data={"url": url, "events": ["idea.created"]})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.query(WebhookEndpoint).count() == 0


def test_at_least_one_event_is_needed(org, org_admin_client, receiver):
    response = org_admin_client.post("/orgs/acme/webhooks/new", data={"url": receiver.url})
    assert response.status_code == 422 and "Choose at least one event." in response.get_data(as_text=True)


def test_edit_pause_and_delete(org, org_admin_client, receiver):
    endpoint, _ = add_endpoint(org, receiver, events=["idea.created"])
    page = org_admin_client.get(f"/orgs/acme/webhooks/{endpoint.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="idea.created"', page)
    assert not re.search(r'<input checked[^>]*value="challenge.award_made"', page)
    response = org_admin_client.post(
        f"/orgs/acme/webhooks/{endpoint.id}/edit",
        data={"url": receiver.url + "/v2", "events": ["challenge.award_made"]},
    )  # "active" unticked
    assert response.status_code == 303
    db.session.refresh(endpoint)
    assert (endpoint.url, endpoint.event_list, endpoint.active) == (
        receiver.url + "/v2",
        ["challenge.award_made"],
        False,
    )
    assert "Paused" in org_admin_client.get("/orgs/acme/webhooks/").get_data(as_text=True)

    assert org_admin_client.post(f"/orgs/acme/webhooks/{endpoint.id}/delete").status_code == 303
    assert db.session.query(WebhookEndpoint).count() == 0


def test_rotating_the_secret_signs_with_the_new_one(org, org_admin_client, receiver):
    endpoint, old = add_endpoint(org, receiver)
    response = org_admin_client.post(f"/orgs/acme/webhooks/{endpoint.id}/rotate", follow_redirects=True)
    new = _secret_in(response.get_data(as_text=True))
    db.session.refresh(endpoint)
    assert new == endpoint.secret and response.history[0].status_code == 303
    assert new != old and "The old secret no longer signs anything" in response.get_data(as_text=True)

    org_admin_client.post(f"/orgs/acme/webhooks/{endpoint.id}/test")
    request = receiver.wait_for(1)[0]
    assert verify(new, request.headers["X-Ideaforge-Signature"], request.body)
    assert not verify(old, request.headers["X-Ideaforge-Signature"], request.body)


def test_send_test_with_htmx_shows_the_result_in_place(org, org_admin_client, receiver):
    endpoint, secret = add_endpoint(org, receiver)
    page = org_admin_client.get(f"/orgs/acme/webhooks/{endpoint.id}").get_data(as_text=True)
    assert f'hx-post="/orgs/acme/webhooks/{endpoint.id}/test"' in page

    response = org_admin_client.post(f"/orgs/acme/webhooks/{endpoint.id}/test", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "Test event delivered: your endpoint answered HTTP 200" in html
    request = receiver.wait_for(1)[0]
    assert request.headers["X-Ideaforge-Event"] == "ping" and request.json()["type"] == "ping"
    assert verify(secret, request.headers["X-Ideaforge-Signature"], request.body)

    receiver.respond_with((500, "boom"))
    html = org_admin_client.post(f"/orgs/acme/webhooks/{endpoint.id}/test", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "your endpoint answered HTTP 500" in html and "boom" in html
    # A failed test is logged, but is not a failure of real traffic.
    assert [d.state for d in deliveries(endpoint)] == ["succeeded", "failed"]
    assert db.session.get(WebhookEndpoint, endpoint.id).failure_streak == 0


def test_send_test_without_javascript_flashes_the_result(org, org_admin_client, receiver):
    endpoint, _ = add_endpoint(org, receiver, path="/gone")
    receiver.respond_with(404)
    response = org_admin_client.post(f"/orgs/acme/webhooks/{endpoint.id}/test", follow_redirects=True)
    assert "Test event not delivered: your endpoint answered 404." in response.get_data(as_text=True)


def test_send_test_to_a_closed_port_says_so(org, org_admin_client, receiver):
    endpoint, _ = add_endpoint(org, receiver)
    endpoint.url = "http://127.0.0.1:9/closed"  # the discard port: nothing listens there
    db.session.commit()
    html = org_admin_client.post(f"/orgs/acme/webhooks/{endpoint.id}/test", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "Test event not delivered" in html and "ConnectionRefusedError" in html


def test_the_organisation_page_links_webhooks_for_admins_only(org, org_admin_client, app):
    assert "/orgs/acme/webhooks/" in org_admin_client.get("/orgs/acme").get_data(as_text=True)
    member = _client(app, add_member(org, None, "pm"))
    assert "/orgs/acme/webhooks/" not in member.get("/orgs/acme").get_data(as_text=True)


def test_pages_are_404_to_outsiders_and_403_to_members_who_are_not_admins(org, app, receiver):
    endpoint, _ = add_endpoint(org, receiver)
    other_org = make_org(slug="globex")
    other_admin = _client(app, other_org.memberships[0].user)
    pm = _client(app, add_member(org, None, "pm", "judge"))
    stranger = _client(app, make_user())
    base = f"/orgs/acme/webhooks/{endpoint.id}"
    gets = ["/orgs/acme/webhooks/", "/orgs/acme/webhooks/new", base, base + "/edit", base + "/secret"]
    posts = ["/orgs/acme/webhooks/new", base + "/edit", base + "/delete", base + "/rotate", base + "/test"]
    for client, status in ((stranger, 404), (other_admin, 404), (pm, 403)):
        for path in gets:
            assert client.get(path).status_code == status, path
        for path in posts:
            assert (
                client.post(path, data={"url": "http://127.0.0.1/x", "events": ["idea.created"]}).status_code == status
            ), path
    # Another organisation's admin cannot reach this endpoint through their own organisation either.
    assert other_admin.get(f"/orgs/globex/webhooks/{endpoint.id}").status_code == 404
    assert other_admin.post(f"/orgs/globex/webhooks/{endpoint.id}/test").status_code == 404
    assert app.test_client().get("/orgs/acme/webhooks/").status_code in (302, 303, 401)
    assert receiver.requests == [] and db.session.get(WebhookEndpoint, endpoint.id) is not None
