"""Deadline reminders: solvers who accepted a challenge's terms hear once, within 48 hours of its
deadline, that it is about to close. Run hourly (`flask notifications send-reminders`, or the
"notifications.reminders" job)."""

from __future__ import annotations

from datetime import datetime, timedelta

import click
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from app.db_types import begin_write
from app.extensions import db
from app.jobs import job, wait_idle
from app.notifications.services import notify
from app.templating import long_date
from app.urls import path_for
from challenges.models import Agreement, Challenge, ReminderSent, State

WINDOW = timedelta(hours=48)
KIND = "challenge.reminder"


def send_reminders(now: datetime | None = None) -> int:
    """Notify each solver not yet reminded of each open challenge closing within 48 hours.
    Returns how many were reminded. Twice in a row (or at once) reminds nobody twice: the unique
    (challenge, solver) row is written in the same transaction as the notifications."""
    now = now or utcnow()
    closing = list(
        db.session.execute(
            select(Challenge.id, Challenge.title, Challenge.deadline)
            .where(Challenge.state == State.OPEN, Challenge.deadline > now, Challenge.deadline <= now + WINDOW)
            .order_by(Challenge.deadline)
        ).tuples()
    )
    reminded = 0
    for challenge_id, title, deadline in closing:
        begin_write(db.session)
        solvers = set(db.session.scalars(select(Agreement.user_id).where(Agreement.challenge_id == challenge_id)))
        told = set(db.session.scalars(select(ReminderSent.user_id).where(ReminderSent.challenge_id == challenge_id)))
        new = sorted(solvers - told)
        if not new:
            continue
        db.session.add_all(ReminderSent(challenge_id=challenge_id, user_id=uid, sent_at=now) for uid in new)
        hours = max(int((deadline - now).total_seconds() // 3600), 1)
        notify(
            new,
            KIND,
            f"“{title}” closes in {hours} hours, on {long_date(deadline)}",
            path_for("challenges.show", challenge_id=challenge_id) + "#deadline",
        )
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # a concurrent run reminded them
            continue
        reminded += len(new)
    db.session.commit()
    return reminded


@job("notifications.reminders")
def reminders_job(payload: dict) -> None:
    send_reminders()


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Remind solvers of challenges closing within 48 hours (once per challenge and solver)."""
    click.echo(f"{send_reminders()} solvers reminded")
    wait_idle(60)
