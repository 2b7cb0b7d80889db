"""Every kind of notification reaches its recipient by mail, once, through the real SMTP server,
with an unsubscribe link that works; "off" and "daily" send nothing right away."""

from __future__ import annotations

import pytest

from app.db_types import begin_write
from app.notifications import kinds
from app.notifications.models import Notification
from tests.notifications import scenarios
from tests.notifications.helpers import choose, mails
from tests.support.mail import link_in, path_of


def test_every_mailed_kind_has_a_scenario_here():
    assert set(scenarios.SCENARIOS) | {"payout.paid", "payout.failed"} == {k.key for k in kinds.MAILED}


def _count(db, user, kind) -> int:
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).count()


@pytest.mark.parametrize("kind", sorted(scenarios.SCENARIOS))
def test_mail_arrives_once_and_its_unsubscribe_link_turns_the_kind_off(app, db, client, mailbox, kind):
    recipient, fire = scenarios.SCENARIOS[kind]()
    choose(recipient, kind, kinds.IMMEDIATELY)
    fire()

    (message,) = mails(mailbox, recipient, kind)
    note = db.session.query(Notification).filter_by(user_id=recipient.id, kind=kind).one()
    assert message["Subject"] == note.text[:120].rstrip() or message["Subject"].startswith(note.text[:100])
    body = message.get_content()
    assert note.text in body
    assert f"http://localhost{note.link}" in body  # an absolute link to what it is about
    assert "http://localhost/settings/notifications" in body

    unsubscribe = link_in(message, "/notifications/unsubscribe/")
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page = client.get(path_of(unsubscribe))
    assert page.status_code == 200 and "<button" in page.get_data(as_text=True)
    assert mails(mailbox, recipient, kind) == [message]  # looking at the page changed nothing
    done = client.post(path_of(unsubscribe))  # no CSRF token, no session: the signed link is enough
    assert done.status_code == 200 and "no longer get mail" in done.get_data(as_text=True)

    fire()
    assert _count(db, recipient, kind) == 2  # still told in the app
    assert mails(mailbox, recipient, kind) == [message]  # but not by mail


@pytest.mark.parametrize("kind", ["idea.status", "challenge.clarification"])
def test_off_sends_nothing_and_daily_waits_for_the_digest(app, db, mailbox, runner, kind):
    recipient, fire = scenarios.SCENARIOS[kind]()
    choose(recipient, kind, kinds.OFF)
    fire()
    assert mails(mailbox, recipient, kind) == [] and _count(db, recipient, kind) == 1
    choose(recipient, kind, kinds.DAILY)
    fire()
    assert mails(mailbox, recipient, kind) == [] and _count(db, recipient, kind) == 2
    assert "1 digests queued" in runner.invoke(args=["notifications", "send-digests"]).output
    (digest,) = mails(mailbox, recipient, "digest")
    body = digest.get_content()
    assert body.count("* ") == 1  # only the daily one; the "off" one was never to be mailed


def test_defaults_mail_status_changes_at_once_and_clarifications_daily(app, db, mailbox):
    status_voter, change = scenarios.idea_status()
    solver, clarify = scenarios.challenge_clarification()
    change(), clarify()
    assert len(mails(mailbox, status_voter, "idea.status")) == 1
    assert mails(mailbox, solver, "challenge.clarification") == []
    assert db.session.query(Notification).filter_by(user_id=solver.id, mail=kinds.DAILY).count() == 1


def test_unconfirmed_or_deactivated_members_get_no_mail_but_see_it_in_the_app(app, db, mailbox):
    voter, change = scenarios.idea_status()
    begin_write(db.session)
    voter.email_verified_at = None
    db.session.commit()
    change()
    assert mails(mailbox, voter, "idea.status") == [] and _count(db, voter, "idea.status") == 1
    begin_write(db.session)  # other subscribers' jobs may be writing too (SQLite)
    voter.active = False
    db.session.commit()
    change()
    assert mails(mailbox, voter, "idea.status") == []


def test_a_tampered_or_unknown_unsubscribe_link_is_404(app, db, client, mailbox):
    voter, change = scenarios.idea_status()
    change()
    link = path_of(link_in(mails(mailbox, voter, "idea.status")[0], "/notifications/unsubscribe/"))
    assert client.get(link[:-3] + "xyz").status_code == 404
    assert client.post(link[:-3] + "xyz").status_code == 404
    assert client.get("/notifications/unsubscribe/nonsense").status_code == 404
