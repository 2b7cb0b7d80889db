"""Test data builders: `make_user`, `make_org`, `login`."""
from __future__ import annotations

import itertools

from app.auth import passwords, services as auth_services
from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.orgs.models import Membership, Organisation

PASSWORD = "correct-horse-battery-9"
_PASSWORD_HASH = passwords.hash_password(PASSWORD)  # hashed once: Argon2 is slow on purpose
_counter = itertools.count(1)


def make_user(email: str | None = None, name: str | None = None, *, verified: bool = True,
              site_admin: bool = False, active: bool = True) -> User:
    n = next(_counter)
    user = User(email=(email or f"user{n}@example.com").lower(), password_hash=_PASSWORD_HASH,
                display_name=name or f"User {n}", is_site_admin=site_admin, active=active,
                email_verified_at=utcnow() if verified else None)
    db.session.add(user)
    db.session.commit()
    return user


def make_org(owner: User | None = None, name: str | None = None, slug: str | None = None) -> Organisation:
    n = next(_counter)
    owner = owner or make_user()
    organisation = Organisation(name=name or f"Org {n}", slug=slug or f"org-{n}", created_by_id=owner.id)
    organisation.memberships.append(Membership(user_id=owner.id, is_admin=True, is_pm=True))
    db.session.add(organisation)
    db.session.commit()
    return organisation


def add_member(organisation: Organisation, user: User | None = None, *roles: str) -> User:
    user = user or make_user()
    membership = Membership(organisation_id=organisation.id, user_id=user.id)
    membership.set_roles(roles)
    db.session.add(membership)
    db.session.commit()
    return user


def login(client, user: User, remember: bool = False) -> str:
    """Sign `client` in as `user` without the login form (and its rate limit)."""
    token = auth_services.start_session(user, remember=remember, user_agent="pytest")
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return token
