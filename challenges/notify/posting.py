"""Notifications: what the organisation says or changes reaches the solvers who accepted the terms
(public clarifications, extensions, cancellations); a private answer reaches its asker only."""

from __future__ import annotations

from sqlalchemy import select

from app import events
from app.extensions import db
from app.notifications.services import notify
from app.templating import long_date
from app.urls import path_for
from challenges.models import Agreement, Challenge, Question


def _participants(challenge_id: int) -> set[int]:
    """Everyone who accepted an agreement on the challenge (any version of its terms)."""
    return set(db.session.scalars(select(Agreement.user_id).where(Agreement.challenge_id == challenge_id)))


def _link(challenge_id: int, anchor: str = "") -> str:
    return path_for("challenges.show", challenge_id=challenge_id) + (f"#{anchor}" if anchor else "")


def _title(challenge_id: int) -> str:
    return db.session.scalar(select(Challenge.title).where(Challenge.id == challenge_id)) or ""


@events.subscribe(events.ClarificationPosted)
def clarification_posted(event: events.ClarificationPosted) -> None:
    question = db.session.get(Question, event.question_id)
    audience = _participants(event.challenge_id) | {question.asker_id}
    notify(
        audience,
        "challenge.clarification",
        f"New clarification on “{_title(event.challenge_id)}”",
        _link(event.challenge_id, f"question-{question.id}"),
        event.actor_id,
    )


@events.subscribe(events.QuestionAnswered)
def question_answered(event: events.QuestionAnswered) -> None:
    question = db.session.get(Question, event.question_id)
    notify(
        [question.asker_id],
        "challenge.answer",
        f"Your question on “{_title(event.challenge_id)}” was answered (privately)",
        _link(event.challenge_id, f"question-{question.id}"),
        event.actor_id,
    )


@events.subscribe(events.ChallengeDeadlineExtended)
def deadline_extended(event: events.ChallengeDeadlineExtended) -> None:
    notify(
        _participants(event.challenge_id),
        "challenge.deadline",
        f"“{_title(event.challenge_id)}”: deadline extended to {long_date(event.new_deadline)}",
        _link(event.challenge_id, "deadline"),
        event.actor_id,
    )


@events.subscribe(events.ChallengeCancelled)
def cancelled(event: events.ChallengeCancelled) -> None:
    reason = f": {event.reason}" if event.reason else ""
    notify(
        _participants(event.challenge_id),
        "challenge.cancelled",
        f"“{_title(event.challenge_id)}” was cancelled{reason}",
        _link(event.challenge_id),
        event.actor_id,
    )
