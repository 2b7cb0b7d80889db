"""Admins demoting or removing each other at the same moment never leave an organisation
without an admin. Each request runs on its own connection of a live server (SQLite or
PostgreSQL)."""
from __future__ import annotations

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func, select

from app.auth import services as auth_services
from app.extensions import db
from app.orgs.models import Membership
from tests.support.factories import add_member, make_org, make_user
from tests.support.live_server import serving

ADMINS = 6


def _cookie(app, token: str) -> str:
    signed = SecureCookieSessionInterface().get_signing_serializer(app).dumps({"_user_id": token, "_fresh": True})
    return f"{app.config.get('SESSION_COOKIE_NAME', 'session')}={signed}"


@pytest.mark.parametrize("action", ["demote", "remove"])
def test_admins_taking_each_others_role_at_once_leave_one(app_config, db, action):
    """Every admin, at the same moment, takes the admin role from the next one round the table
    (or removes them). Whatever order the server takes them in, no request fails and at least
    one admin is left: without the turn-taking, each saw the others still there and none was."""
    organisation = make_org(make_user(), slug="acme")
    admins = [add_member(organisation, None, "admin") for _ in range(ADMINS)]
    db.session.execute(Membership.__table__.delete().where(Membership.user_id == organisation.created_by_id))
    db.session.commit()
    memberships = {m.user_id: m.id for m in db.session.scalars(select(Membership))}
    tokens = [auth_services.start_session(admin, remember=False) for admin in admins]
    targets = [memberships[admins[(n + 1) % ADMINS].id] for n in range(ADMINS)]
    config = {**app_config, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}
    statuses: dict[int, str] = {}

    with serving(config) as live:
        parts = urlsplit(live.url)
        barrier = threading.Barrier(ADMINS)

        def take(n: int) -> None:
            path, body = (f"/orgs/acme/members/{targets[n]}/roles", {"roles": "pm"}) if action == "demote" \
                else (f"/orgs/acme/members/{targets[n]}/remove", {})
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            barrier.wait()
            connection.request("POST", path, body=urlencode(body), headers={
                "Cookie": _cookie(live.app, tokens[n]), "Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            statuses[n] = response.status
            connection.close()

        with ThreadPoolExecutor(ADMINS) as pool:
            for future in [pool.submit(take, n) for n in range(ADMINS)]:
                future.result()
        assert live.errors == []

    assert all(status in (303, 403, 404) for status in statuses.values()), statuses
    db.session.commit()  # a new snapshot: what the server wrote
    admins_left = db.session.scalar(select(func.count()).select_from(Membership).where(Membership.is_admin.is_(True)))
    assert admins_left >= 1
