"""Admins demoting or removing each other at the same moment never leave an organisation
without an admin. Each request runs on its own connection of a live server (SQLite or
PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.auth import services as auth_services
from app.orgs.models import Membership
from tests.support.factories import add_member, make_org, make_user
from tests.support.live_server import post_at_once, serving, session_cookie

ADMINS = 6


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

    with serving(config) as live:
        posts = [
            (f"/orgs/acme/members/{target}/roles", {"roles": "pm"})
            if action == "demote"
            else (f"/orgs/acme/members/{target}/remove", {})
            for target in targets
        ]
        statuses = post_at_once(
            live, [(path, form, session_cookie(live.app, token)) for (path, form), token in zip(posts, tokens)]
        )
        assert live.errors == []

    assert all(status in (303, 403, 404) for status in statuses), statuses
    db.session.commit()  # a new snapshot: what the server wrote
    admins_left = db.session.scalar(select(func.count()).select_from(Membership).where(Membership.is_admin.is_(True)))
    assert admins_left >= 1
