"""An organisation's invitation is mailed by a job of the jobs outbox, written in the inviting
transaction: the mail goes once that transaction has committed, and a mail server that fails
loses nothing (the job tries again; the invitation waits, pending)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.jobs import run_due
from app.jobs.models import Job
from app.orgs.models import Invitation, Membership
from tests.support.factories import login, make_user
from tests.support.mail import link_in, path_of

KIND = "orgs.invitation_mail"


@pytest.fixture
def app_config(app_config):
    app_config["JOBS_BACKEND"] = "manual"  # jobs run when the test says: `flask jobs run`
    return app_config


def _invite(org_admin_client, db):
    response = org_admin_client.post("/orgs/acme/members", data={"email": "jo@example.com", "roles": ["judge"]})
    assert response.status_code == 303
    assert "Invitation sent to jo@example.com." in org_admin_client.get("/orgs/acme/members").get_data(as_text=True)
    invitation = db.session.scalar(select(Invitation).where(Invitation.email == "jo@example.com"))
    job = db.session.scalar(select(Job).where(Job.kind == KIND))
    return invitation, job


def _accepts(app, db, mailbox) -> bool:
    path = path_of(link_in(mailbox.last_to("jo@example.com"), "/orgs/invitations/"))
    client = app.test_client()
    invitee = make_user("jo@example.com")
    login(client, invitee)
    client.post(path)
    return db.session.scalar(select(Membership).where(Membership.user_id == invitee.id)) is not None


def test_the_mail_goes_after_the_commit_and_its_link_lets_the_invitee_in(app, db, org, org_admin_client, mailbox):
    invitation, job = _invite(org_admin_client, db)
    # The request committed the invitation and the job together; nothing was mailed inside it.
    assert invitation.is_pending and job.state == "queued"
    assert mailbox.to("jo@example.com") == []
    assert run_due() == (1, 0)
    message = mailbox.last_to("jo@example.com")
    assert message["Subject"] == "Join Acme Analytics"
    assert "invited you to join Acme Analytics" in message.get_content()
    assert _accepts(app, db, mailbox)


def test_a_failing_mail_server_loses_no_invitation(app, db, org, org_admin_client, mailbox):
    invitation, job = _invite(org_admin_client, db)
    mailbox.fail_next = 1  # "451 try again later"
    assert run_due() == (0, 1)
    assert mailbox.to("jo@example.com") == []
    db.session.refresh(invitation)
    db.session.refresh(job)
    assert invitation.is_pending and job.state == "retrying" and "451" in job.last_error
    assert run_due(now=utcnow() + timedelta(minutes=5)) == (1, 0)  # its retry, once due
    assert len(mailbox.to("jo@example.com")) == 1
    assert _accepts(app, db, mailbox)


def test_an_invitation_withdrawn_before_its_mail_goes_sends_nothing(app, db, org, org_admin_client, mailbox):
    invitation, _job = _invite(org_admin_client, db)
    org_admin_client.post(f"/orgs/acme/invitations/{invitation.id}/revoke")
    assert run_due() == (1, 0)
    assert mailbox.to("jo@example.com") == []
