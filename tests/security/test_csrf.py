"""Every state-changing route refuses a request without a CSRF token, found by walking the
URL map, so a route added later is covered without anyone remembering to add it here."""

import re

import pytest
from werkzeug.routing import IntegerConverter, Rule

from app import create_app
from tests.support.factories import login, make_user

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Routes that accept writes without a CSRF token, and why that is safe.
EXEMPT = {
    "security.csp_report": "browsers post violation reports without credentials; it only logs",
    "payments.webhook": "Stripe posts without cookies; every request must carry a valid signature instead",
    "notifications.unsubscribe_confirm": "one-click unsubscribe from a mail client (RFC 8058): the signed "
    "token in the address is the credential",
}


def _example_url(rule: Rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        values[name] = 1 if isinstance(converter, IntegerConverter) else "x"
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


@pytest.fixture
def csrf_app(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    application = create_app(app_config)
    application.test_client_class = type(
        pytest.importorskip("tests.conftest").IsolatedClient.__name__,
        (pytest.importorskip("tests.conftest").IsolatedClient,),
        {},
    )
    return application


def _unsafe_rules(app):
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods & UNSAFE)
        if rule.endpoint not in EXEMPT
    ]


def test_there_are_state_changing_routes_to_check(csrf_app):
    assert len(_unsafe_rules(csrf_app)) >= 15


def test_every_state_changing_route_refuses_a_request_without_csrf_token(csrf_app, db):
    user = make_user(site_admin=True)
    client = csrf_app.test_client()
    login(client, user)
    failures = []
    for rule, method in _unsafe_rules(csrf_app):
        response = client.open(_example_url(rule), method=method, data={"name": "x"})
        body = response.get_data(as_text=True)
        if response.status_code != 400 or ("expired" not in body and "csrf" not in body.lower()):
            failures.append(f"{method} {rule.rule} -> {response.status_code}")
    assert failures == []


def test_a_valid_token_is_accepted(csrf_app, db):
    user = make_user()
    client = csrf_app.test_client()
    login(client, user)
    page = client.get("/settings/profile").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/settings/profile", data={"csrf_token": token, "display_name": "Renamed", "bio": ""})
    assert response.status_code == 303


def test_htmx_token_header_is_on_the_body(csrf_app, db):
    client = csrf_app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'>", page)


def test_logout_is_not_possible_by_get(user_client):
    assert user_client.get("/logout").status_code == 405
    assert user_client.get("/settings/profile").status_code == 200
