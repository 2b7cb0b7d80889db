"""Notifications: a new submission tells the organisation's judges."""

from __future__ import annotations

from sqlalchemy import or_, select

from app import events
from app.extensions import db
from app.notifications.services import notify
from app.orgs.models import Membership
from app.urls import path_for
from challenges.models import Challenge


def judge_ids(organisation_id: int) -> list[int]:
    """Members who read submissions: judges, and admins (who hold every role)."""
    return list(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.organisation_id == organisation_id, or_(Membership.is_judge, Membership.is_admin)
            )
        )
    )


@events.subscribe(events.SubmissionReceived)
def submission_received(event: events.SubmissionReceived) -> None:
    if event.version != 1:  # edits are not news; the judges see the latest version anyway
        return
    challenge = db.session.get(Challenge, event.challenge_id)
    notify(
        judge_ids(challenge.organisation_id),
        "challenge.submission",
        f"New submission to “{challenge.title}”",
        path_for("challenges.show_submission", submission_id=event.submission_id),
        event.actor_id,
    )
