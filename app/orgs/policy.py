"""Who may do what in an organisation: the one place these checks live.

Outsiders get 404 (they cannot tell a private page exists); members lacking a role get 403.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import bindparam, select

from app.auth.models import User
from app.extensions import db
from app.orgs.models import Membership, Organisation

# Asked by most permission checks: built once.
_MEMBERSHIP = select(Membership).where(
    Membership.organisation_id == bindparam("organisation_id"), Membership.user_id == bindparam("user_id")
)


def membership_of(user: User | None, organisation: Organisation) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(_MEMBERSHIP, {"organisation_id": organisation.id, "user_id": user.id})


def has_role(user: User | None, organisation: Organisation, role: str) -> bool:
    """True for members holding `role` (admins hold every role) and for site administrators."""
    if user is not None and getattr(user, "is_authenticated", False) and user.is_site_admin:
        return True
    membership = membership_of(user, organisation)
    return membership is not None and membership.has_role(role)


def is_member(user: User | None, organisation: Organisation) -> bool:
    if user is not None and getattr(user, "is_authenticated", False) and user.is_site_admin:
        return True
    return membership_of(user, organisation) is not None


def require_role(user: User | None, organisation: Organisation, role: str) -> None:
    """Abort 404 for outsiders and 403 for members without the role."""
    if has_role(user, organisation, role):
        return
    if is_member(user, organisation):
        abort(403, "Your role in this organisation does not allow that.")
    abort(404)
