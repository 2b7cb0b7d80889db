"""Who hears about judging and awards: the solver when judging of their submission starts (never
the scores) and when they win; the organisation's managers when a winner accepts."""

from __future__ import annotations

from sqlalchemy import select

from app import events
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.services import notify
from app.orgs.models import Membership
from app.urls import path_for
from challenges import money
from challenges.models import Award, Challenge, Submission

JUDGED, WON, ACCEPTED = "challenge.judging", "challenge.award", "challenge.award_accepted"


@events.subscribe(events.SubmissionScored)
def submission_scored(event: events.SubmissionScored) -> None:
    submission = db.session.get(Submission, event.submission_id)
    link = path_for("challenges.show_submission", submission_id=submission.id)
    # Once per submission: later scorecards say nothing new (and scores are never shown).
    told = db.session.scalar(
        select(Notification.id)
        .where(Notification.user_id == submission.solver_id, Notification.kind == JUDGED, Notification.link == link)
        .limit(1)
    )
    if told is None:
        notify(
            [submission.solver_id],
            JUDGED,
            f"Your submission “{submission.title}” to “{submission.challenge.title}” is being judged.",
            link,
            event.actor_id,
        )


@events.subscribe(events.AwardOffered)
def award_offered(event: events.AwardOffered) -> None:
    award = db.session.get(Award, event.award_id)
    amount = money.format_money(award.amount, award.currency)
    text = f"You won {amount} in “{award.challenge.title}”"
    if award.accept_by is not None:
        text += f": accept the award by {award.accept_by:%d %b %Y %H:%M} UTC"
    notify([award.solver_id], WON, text + ".", path_for("challenges.award_view", award_id=award.id), event.actor_id)


@events.subscribe(events.AwardAccepted)
def award_accepted(event: events.AwardAccepted) -> None:
    award = db.session.get(Award, event.award_id)
    if event.actor_id != award.solver_id:
        return  # accepted at once (no assignment to sign): the managers made the award themselves
    challenge = db.session.get(Challenge, event.challenge_id)
    managers = db.session.scalars(
        select(Membership.user_id).where(
            Membership.organisation_id == challenge.organisation_id,
            (Membership.is_admin.is_(True)) | (Membership.is_pm.is_(True)),
        )
    )
    notify(
        set(managers),
        ACCEPTED,
        f"{award.solver.display_name} accepted the {money.format_money(award.amount, award.currency)} award "
        f"in “{challenge.title}”.",
        path_for("challenges.award_page", challenge_id=challenge.id),
        event.actor_id,
    )
