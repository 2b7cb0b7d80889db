"""Mail to someone invited into an organisation, sent by a job after the inviting transaction
commits (the outbox). The link's token is made here, as the mail goes: only its digest is kept,
so a retry after a failed send mails a new link (the one before was never delivered), and an
invitation withdrawn or replaced before the job runs sends nothing."""

from __future__ import annotations

import secrets

from flask import current_app

from app.auth.models import token_digest
from app.db_types import writes
from app.extensions import db
from app.jobs import job
from app.mail import send_mail
from app.orgs.models import Invitation
from app.urls import external_url

KIND = "orgs.invitation_mail"


def unmailed_token_digest() -> str:
    """The digest a new invitation holds until its mail goes: of a token nobody has."""
    return token_digest(secrets.token_urlsafe(32))


@writes
def _issue_link(invitation_id: int) -> tuple[Invitation, str] | None:
    """A new token for a pending invitation, its digest committed before the mail goes."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not invitation.is_pending:
        return None
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_digest(token)
    db.session.commit()
    return invitation, token


@job(KIND)
def mail_invitation(payload: dict) -> None:
    """Raises MailError (so the job is retried) when the mail server refuses."""
    issued = _issue_link(payload["invitation_id"])
    if issued is None:
        return
    invitation, token = issued
    text = current_app.jinja_env.get_template("mail/invitation.txt").render(
        invitation=invitation,
        inviter=invitation.invited_by,
        link=external_url("orgs.invitation", token=token),
        site_name=current_app.config["SITE_NAME"],
    )
    send_mail(invitation.email, f"Join {invitation.organisation.name}", text)
