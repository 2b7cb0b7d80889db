"""Digests, retries when the mail server refuses, reminders sent once, invitations, preferences
page and the failed-jobs page."""

from __future__ import annotations

from datetime import timedelta

from app.clock import utcnow
from app.jobs import enqueue, wait_idle
from app.jobs.models import Job, JobState
from app.notifications import kinds
from app.notifications.models import MailPreference, Notification
from challenges.services import solving
from tests.notifications import scenarios
from tests.notifications.helpers import choose, mails
from tests.support.challenges import make_challenge
from tests.support.factories import make_user
from tests.support.mail import link_in, path_of


def test_a_digest_groups_the_days_notifications_by_kind_and_goes_out_once(app, db, client, mailbox, runner):
    solver, clarify = scenarios.challenge_clarification()
    _, extend = scenarios.challenge_deadline()
    # The same solver enters the second challenge too, so both kinds reach them.
    choose(solver, "challenge.deadline", kinds.DAILY)
    clarify(), clarify()
    assert mails(mailbox, solver, "challenge.clarification") == []

    first = runner.invoke(args=["notifications", "send-digests"])
    second = runner.invoke(args=["notifications", "send-digests"])
    assert "1 digests queued" in first.output and "0 digests queued" in second.output
    (digest,) = mails(mailbox, solver, "digest")
    assert digest["Subject"] == "Your daily digest: 2 notifications"
    body = digest.get_content().replace("\r\n", "\n")
    assert body.count("New clarification on") == 2 and "Clarifications\n--------------" in body
    # The digest's own link turns every daily kind off.
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    client.post(path_of(link_in(digest, "/notifications/unsubscribe/")))
    assert (
        db.session.query(MailPreference)
        .filter_by(user_id=solver.id, kind="challenge.clarification", delivery=kinds.OFF)
        .count()
        == 1
    )
    clarify()
    runner.invoke(args=["notifications", "send-digests"])
    assert len(mails(mailbox, solver, "digest")) == 1


def test_mail_server_refusing_is_retried_then_delivered_once(app, db, mailbox):
    voter, change = scenarios.idea_status()
    mailbox.fail_next = 2
    change()
    (message,) = mails(mailbox, voter, "idea.status")
    job = db.session.query(Job).filter_by(kind="notifications.mail").one()
    assert job.state == JobState.DONE and job.attempts == 3


def test_a_dead_mail_job_shows_on_the_admin_page_and_retry_delivers_it(app, db, mailbox, site_admin_client):
    app.config["JOBS_MAX_ATTEMPTS"] = 1
    voter, change = scenarios.idea_status()
    mailbox.fail_next = 1
    change()
    assert mails(mailbox, voter, "idea.status") == []
    job = db.session.query(Job).filter_by(kind="notifications.mail").one()
    assert job.state == JobState.DEAD
    page = site_admin_client.get("/admin/jobs").get_data(as_text=True)
    assert "notifications.mail" in page and "451" in page
    site_admin_client.post(f"/admin/jobs/{job.id}/retry")
    assert len(mails(mailbox, voter, "idea.status")) == 1
    assert "No failed or stuck jobs" in site_admin_client.get("/admin/jobs").get_data(as_text=True)


def test_the_jobs_page_is_for_site_administrators_only(app, db, user_client):
    assert user_client.get("/admin/jobs").status_code == 404


def test_the_48_hour_reminder_is_sent_once(app, db, mailbox, runner):
    solver = make_user()
    closing = make_challenge(now=utcnow() - timedelta(days=5), deadline=utcnow() + timedelta(hours=47))
    later = make_challenge(deadline=utcnow() + timedelta(days=10))
    solving.accept_agreement(solver, closing), solving.accept_agreement(solver, later)
    enqueue("notifications.reminders")  # as a scheduler would, hourly
    db.session.commit()
    assert wait_idle(20)
    assert "0 solvers reminded" in runner.invoke(args=["notifications", "send-reminders"]).output
    (message,) = mails(mailbox, solver, "challenge.reminder")
    assert closing.title in message["Subject"] and "closes in 46 hours" in message["Subject"]


def test_an_invitation_shows_under_the_bell_and_is_mailed_once(app, db, org_admin_client, mailbox):
    invitee = make_user("invitee@example.com")
    org_admin_client.post("/orgs/acme/members", data={"email": "invitee@example.com", "roles": ["pm"]})
    assert mails(mailbox, invitee, "org.invitation") == []
    assert len(mailbox.to("invitee@example.com")) == 1  # the invitation itself
    note = db.session.query(Notification).filter_by(user_id=invitee.id, kind="org.invitation").one()
    assert "invited you to join Acme Analytics" in note.text


def test_preferences_page_saves_and_refuses_nonsense(app, db, user_client):
    page = user_client.get("/settings/notifications").get_data(as_text=True)
    assert 'href="/settings/notifications" aria-current="page"' in page
    assert 'name="idea.status" value="immediately" checked' in page
    assert "Invitations" not in page  # not mailed by this route: the invitation mail is
    saved = user_client.post("/settings/notifications", data={"idea.status": "off", "comment.reply": "daily"})
    assert saved.status_code in (302, 303)
    page = user_client.get("/settings/notifications").get_data(as_text=True)
    assert 'name="idea.status" value="off" checked' in page and 'name="comment.reply" value="daily" checked' in page
    bad = user_client.post("/settings/notifications", data={"idea.status": "hourly"})
    assert bad.status_code == 422 and "nothing was changed" in bad.get_data(as_text=True)
    assert (
        db.session.query(MailPreference).filter_by(user_id=user_client.user.id, kind="idea.status").one().delivery
        == "off"
    )
