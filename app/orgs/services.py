"""Organisations, memberships and invitations."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import ObjectDeletedError

from app import audit
from app.auth.models import User, token_digest
from app.auth.services import normalise_email
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.jobs import enqueue
from app.orgs import invitations
from app.orgs.models import ROLES, Invitation, Membership, Organisation

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"new", "admin", "api", "settings", "static", "login", "logout", "signup"}


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64]


# The navigation's list, on every signed-in page: built once.
_ORGANISATIONS_OF = (
    select(Organisation).join(Membership).where(Membership.user_id == bindparam("user_id")).order_by(Organisation.name)
)


def organisations_of(user: User) -> list[Organisation]:
    return list(db.session.scalars(_ORGANISATIONS_OF, {"user_id": user.id}))


def get_by_slug(slug: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def _clean_roles(roles) -> list[str]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValidationFailed(f"Unknown role: {', '.join(unknown)}.", {"roles": ["Unknown role."]})
    return list(roles)


def create_organisation(
    creator: User, name: str, slug: str = "", description: str = "", website: str = ""
) -> Organisation:
    """The creator becomes the organisation's first admin. Raises ValidationFailed."""
    name = (name or "").strip()
    if not 2 <= len(name) <= 120:
        raise ValidationFailed("The name needs 2 to 120 characters.", {"name": ["2 to 120 characters."]})
    slug = (slug or "").strip().lower() or slugify(name)
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS or not 2 <= len(slug) <= 64:
        raise ValidationFailed(
            "Use lower-case letters, digits and dashes for the address.", {"slug": ["Letters, digits and dashes only."]}
        )
    organisation = Organisation(
        name=name,
        slug=slug,
        description=(description or "").strip()[:5000],
        website=(website or "").strip()[:255],
        created_by_id=creator.id,
    )
    organisation.memberships.append(Membership(user_id=creator.id, is_admin=True, is_pm=True))
    db.session.add(organisation)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValidationFailed("That address is taken; choose another.", {"slug": ["Already taken."]}) from None
    audit.event("org.created", org_id=organisation.id, user_id=creator.id)
    return organisation


def update_organisation(organisation: Organisation, name: str, description: str, website: str) -> None:
    name = (name or "").strip()
    if not 2 <= len(name) <= 120:
        raise ValidationFailed("The name needs 2 to 120 characters.", {"name": ["2 to 120 characters."]})
    organisation.name = name
    organisation.description = (description or "").strip()[:5000]
    organisation.website = (website or "").strip()[:255]
    db.session.commit()


def add_member(organisation: Organisation, user: User, roles) -> Membership:
    """Add a member, or update the roles of an existing one."""
    roles = _clean_roles(roles)
    membership = db.session.scalar(
        select(Membership).where(Membership.organisation_id == organisation.id, Membership.user_id == user.id)
    )
    if membership is None:
        membership = Membership(organisation_id=organisation.id, user_id=user.id)
        db.session.add(membership)
    membership.set_roles(roles)
    db.session.commit()
    return membership


def _refuse_losing_the_last_admin(membership: Membership) -> None:
    """Raises NotAllowed when `membership` holds the organisation's last admin role.

    Demotions and removals in one organisation take turns, so that two admins demoting each
    other at once cannot both see the other still there: the write transaction holds SQLite's lock, and
    on PostgreSQL the organisation's row is locked before the admins are counted (and the member
    read again) under it."""
    db.session.execute(select(Organisation.id).where(Organisation.id == membership.organisation_id).with_for_update())
    try:
        db.session.refresh(membership)
    except ObjectDeletedError:
        raise Conflict("That person left the organisation a moment ago.") from None
    if (
        membership.is_admin
        and db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.organisation_id == membership.organisation_id, Membership.is_admin.is_(True))
        )
        <= 1
    ):
        raise NotAllowed("An organisation needs at least one admin.")


@writes
def set_roles(actor: User, membership: Membership, roles) -> None:
    """Raises NotAllowed when it would leave the organisation without an admin."""
    roles = _clean_roles(roles)
    if "admin" not in roles:
        _refuse_losing_the_last_admin(membership)
    membership.set_roles(roles)
    db.session.commit()
    audit.event(
        "org.roles_changed",
        org_id=membership.organisation_id,
        actor_id=actor.id,
        user_id=membership.user_id,
        roles=roles,
    )


@writes
def remove_member(actor: User, membership: Membership) -> None:
    """Raises NotAllowed when it would leave the organisation without an admin."""
    _refuse_losing_the_last_admin(membership)
    db.session.delete(membership)
    db.session.commit()
    audit.event("org.member_removed", org_id=membership.organisation_id, actor_id=actor.id, user_id=membership.user_id)


def invite(actor: User, organisation: Organisation, email: str, roles) -> Invitation:
    """A new invitation, mailed by a job once it is committed (`app.orgs.invitations`, which
    makes the link's token; only its digest is kept).

    Inviting an address again replaces its pending invitation, so one link works at a time.
    Raises ValidationFailed (bad address or roles) or Conflict (already a member)."""
    address = normalise_email(email)
    roles = _clean_roles(roles)
    existing_member = db.session.scalar(
        select(Membership).join(User).where(Membership.organisation_id == organisation.id, User.email == address)
    )
    if existing_member is not None:
        raise Conflict("That person is already a member.", {"email": ["Already a member."]})
    now = utcnow()
    for pending in db.session.scalars(
        select(Invitation).where(
            Invitation.organisation_id == organisation.id,
            Invitation.email == address,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ):
        pending.revoked_at = now
    invitation = Invitation(
        organisation_id=organisation.id,
        email=address,
        token_hash=invitations.unmailed_token_digest(),
        invited_by_id=actor.id,
        expires_at=now + timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"]),
    )
    invitation.set_roles(roles)
    db.session.add(invitation)
    _notify_invitee(actor, organisation, address)
    db.session.flush()
    enqueue(invitations.KIND, invitation_id=invitation.id)
    db.session.commit()
    audit.event(
        "org.invited", org_id=organisation.id, actor_id=actor.id, email=audit.email_fingerprint(address), roles=roles
    )
    return invitation


def _notify_invitee(actor: User, organisation: Organisation, address: str) -> None:
    """An invitee who has an account also sees the invitation under the bell (the link to accept
    it is only in the mail: the token is not stored)."""
    from app.notifications.services import notify
    from app.urls import path_for

    invitee_id = db.session.scalar(select(User.id).where(User.email == address))
    notify(
        [invitee_id],
        "org.invitation",
        f"{actor.display_name} invited you to join {organisation.name}; accept with the link in the invitation mail.",
        path_for("main.organisation", slug=organisation.slug),
        actor.id,
    )


def invitation_for_token(token: str) -> Invitation:
    """Raises NotFound for an unknown, used, revoked or expired link."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == token_digest(token)))
    if invitation is None or not invitation.is_pending:
        raise NotFound("This invitation is no longer valid. Ask the organisation for a new one.")
    return invitation


def accept_invitation(user: User, token: str) -> Membership:
    """The invited address must be the user's own; the link proves the mailbox, so an
    unconfirmed address becomes confirmed. Raises NotFound or NotAllowed."""
    invitation = invitation_for_token(token)
    if invitation.email != user.email:
        raise NotAllowed("This invitation was sent to another address. Sign in as that account to accept it.")
    now = utcnow()
    invitation.accepted_at = now
    invitation.accepted_by_id = user.id
    if user.email_verified_at is None:
        user.email_verified_at = now
    membership = db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == invitation.organisation_id, Membership.user_id == user.id
        )
    )
    if membership is None:
        membership = Membership(organisation_id=invitation.organisation_id, user_id=user.id)
        db.session.add(membership)
    membership.set_roles(sorted(set(membership.roles) | set(invitation.roles)))
    db.session.commit()
    audit.event("org.invitation_accepted", org_id=invitation.organisation_id, user_id=user.id)
    return membership


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    invitation.revoked_at = utcnow()
    db.session.commit()
    audit.event("org.invitation_revoked", org_id=invitation.organisation_id, actor_id=actor.id)


def pending_invitations(organisation: Organisation) -> list[Invitation]:
    return [
        inv
        for inv in db.session.scalars(
            select(Invitation)
            .where(
                Invitation.organisation_id == organisation.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .order_by(Invitation.created_at.desc())
        )
        if inv.is_pending
    ]


def members(organisation: Organisation) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .join(User)
            .where(Membership.organisation_id == organisation.id)
            .order_by(User.display_name)
        )
    )
