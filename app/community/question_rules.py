"""What peer support earns: accepted solutions and kudos received, and a little for accepting.

Solutions follow from the questions table (`derive_*`, used live and by `flask reputation
rebuild`); answering one's own question earns nothing. Kudos are events, capped per day, so a
kudos taken back takes back exactly what its giving earned (nothing, past the cap).
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import func, select

from app import events
from app.clock import utcnow
from app.extensions import db
from app.reputation import services
from app.reputation.models import ReputationEvent
from app.reputation.points import KUDOS_DAILY_CAP, POINTS
from ideas.models import Board
from ideas.questions.models import Answer, Question

Derived = dict[int, tuple[int, dict[int, int]]]


def _solved(question_ids: list[int] | None):
    query = (
        select(Question.id, Board.organisation_id, Answer.author_id, Question.author_id, Question.solved_by_id)
        .join(Board, Board.id == Question.board_id)
        .join(Answer, Answer.id == Question.solution_answer_id)
        .where(
            Answer.deleted_at.is_(None),
            Question.deleted_at.is_(None),
            Answer.author_id != func.coalesce(Question.author_id, -1),
        )
    )
    return db.session.execute(query if question_ids is None else query.where(Question.id.in_(question_ids)))


def derive_solutions(question_ids: list[int] | None = None) -> Derived:
    """The author of each accepted solution, unless they answered their own question."""
    result: Derived = {}
    for question_id, org_id, answerer_id, _asker, _by in _solved(question_ids):
        if answerer_id is not None:
            result[question_id] = (org_id, {answerer_id: POINTS["solution"]})
    return result


def derive_accepting(question_ids: list[int] | None = None) -> Derived:
    """The asker who accepted another member's answer to their own question."""
    result: Derived = {}
    for question_id, org_id, _answerer, asker_id, by_id in _solved(question_ids):
        if asker_id is not None and by_id == asker_id:
            result[question_id] = (org_id, {asker_id: POINTS["accepting"]})
    return result


# What `flask reputation rebuild` regenerates, beside app.community.rules.DERIVED.
DERIVED = (
    ("solution", "question", derive_solutions),
    ("accepting", "question", derive_accepting),
)


def _organisation_of(question_id: int) -> int | None:
    return db.session.scalar(
        select(Board.organisation_id).join(Question, Question.board_id == Board.id).where(Question.id == question_id)
    )


def _settle_question(question_id: int) -> None:
    db.session.flush()
    org_id = _organisation_of(question_id)
    if org_id is None:
        return
    for kind, subject_type, derive in DERIVED:
        expected = derive([question_id]).get(question_id, (org_id, {}))[1]
        services.settle(kind, subject_type, question_id, org_id, expected)


@events.subscribe(events.SolutionAccepted)
def solution_accepted(event: events.SolutionAccepted) -> None:
    _settle_question(event.question_id)


@events.subscribe(events.SolutionChanged)
def solution_changed(event: events.SolutionChanged) -> None:
    _settle_question(event.question_id)


def kudos_points_today(user_id: int, organisation_id: int, now: datetime) -> int:
    start = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
    return (
        db.session.scalar(
            select(func.coalesce(func.sum(ReputationEvent.points), 0)).where(
                ReputationEvent.user_id == user_id,
                ReputationEvent.organisation_id == organisation_id,
                ReputationEvent.kind == "kudos",
                ReputationEvent.points > 0,
                ReputationEvent.created_at >= start,
            )
        )
        or 0
    )


@events.subscribe(events.KudosGiven)
def kudos_given(event: events.KudosGiven) -> None:
    if event.receiver_id is None or event.receiver_id == event.giver_id:
        return
    now = utcnow()
    # Queue behind other reputation writes of this community before reading today's sum, so two
    # kudos at once cannot both pass the cap.
    services.lock_community(event.organisation_id)
    left = KUDOS_DAILY_CAP - kudos_points_today(event.receiver_id, event.organisation_id, now)
    points = max(0, min(POINTS["kudos"], left))
    services.record(event.receiver_id, event.organisation_id, points, "kudos", "kudos", event.kudos_id, now=now)


@events.subscribe(events.KudosRevoked)
def kudos_revoked(event: events.KudosRevoked) -> None:
    """Take back what this kudos earned, if anything."""
    if event.receiver_id is None:
        return
    earned = db.session.scalar(
        select(func.coalesce(func.sum(ReputationEvent.points), 0)).where(
            ReputationEvent.user_id == event.receiver_id,
            ReputationEvent.kind == "kudos",
            ReputationEvent.subject_type == "kudos",
            ReputationEvent.subject_id == event.kudos_id,
        )
    )
    if earned:
        services.record(event.receiver_id, event.organisation_id, -earned, "kudos", "kudos", event.kudos_id)
