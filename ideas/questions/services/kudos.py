"""Kudos: one per member and answer, never on one's own, revocable, counted atomically."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app import events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import NotAllowed, ValidationFailed
from app.extensions import db
from ideas.models import Visibility
from ideas.questions import policy, statements
from ideas.questions.models import Answer, AnswerKudos


def _run(statement, params):
    return db.session.connection().execute(statement, params)


def _check(user: User, answer: Answer) -> None:
    if not policy.can_take_part(user, answer.question):
        raise NotAllowed("You cannot give kudos on this board.")
    if answer.is_deleted or answer.visibility != Visibility.VISIBLE:
        raise ValidationFailed("This answer can no longer receive kudos.")
    if answer.author_id == user.id:
        raise ValidationFailed("Kudos are for the answers of others.")


def _event(kind, kudos_id: int, answer: Answer, user: User):
    return kind(kudos_id, answer.id, user.id, answer.author_id, answer.question.board.organisation_id)


@writes
def give_kudos(user: User, answer: Answer, now: datetime | None = None) -> int:
    """Returns the answer's kudos count. Giving twice changes nothing. Raises NotAllowed or
    ValidationFailed."""
    _check(user, answer)
    kudos_id = _run(
        statements.INSERT_KUDOS, {"answer_id": answer.id, "user_id": user.id, "now": now or utcnow()}
    ).scalar()
    if kudos_id is None:  # given already (perhaps a moment ago, by a request racing this one)
        count = db.session.scalar(select(Answer.kudos_count).where(Answer.id == answer.id))
    else:
        count = _run(statements.BUMP_KUDOS, {"of_answer": answer.id, "step": 1}).scalar_one()
        events.publish(_event(events.KudosGiven, kudos_id, answer, user))
    db.session.commit()
    return count


@writes
def take_back_kudos(user: User, answer: Answer) -> int:
    """Returns the answer's kudos count. Taking back what was not given changes nothing."""
    if not policy.can_take_part(user, answer.question):
        raise NotAllowed("You cannot give kudos on this board.")
    kudos_id = _run(statements.DELETE_KUDOS, {"answer_id": answer.id, "user_id": user.id}).scalar()
    if kudos_id is None:
        count = db.session.scalar(select(Answer.kudos_count).where(Answer.id == answer.id))
    else:
        count = _run(statements.BUMP_KUDOS, {"of_answer": answer.id, "step": -1}).scalar_one()
        events.publish(_event(events.KudosRevoked, kudos_id, answer, user))
    db.session.commit()
    return count


def given_by(user: User | None, answers: list[Answer]) -> set[int]:
    """The ids of the listed answers the viewer gave kudos to, in one query."""
    if user is None or not getattr(user, "is_authenticated", False) or not answers:
        return set()
    return set(
        db.session.scalars(
            select(AnswerKudos.answer_id).where(
                AnswerKudos.user_id == user.id, AnswerKudos.answer_id.in_([a.id for a in answers])
            )
        )
    )
