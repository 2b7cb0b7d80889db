"""Accepted solutions: the asker marks the answer that solved it, and may change or take it back;
product managers, moderators and members of a high level may do it for the asker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import NotAllowed, ValidationFailed
from app.extensions import db
from ideas.models import Visibility
from ideas.questions import policy
from ideas.questions.models import Answer, Question


def _current_solution(question: Question) -> int | None:
    """The stored solution, read under the row's lock (PostgreSQL; SQLite holds its write lock),
    so two people accepting at once act one after the other."""
    return db.session.scalar(select(Question.solution_answer_id).where(Question.id == question.id).with_for_update())


@writes
def accept_solution(actor: User, question: Question, answer: Answer, now: datetime | None = None) -> bool:
    """Mark `answer` as the solution (replacing another). Returns False when it already was.
    Raises NotAllowed or ValidationFailed."""
    if not policy.can_accept(actor, question):
        raise NotAllowed("Only the asker, the product managers and trusted members can accept a solution.")
    if answer.question_id != question.id or answer.is_deleted or answer.visibility != Visibility.VISIBLE:
        raise ValidationFailed("Choose one of this question's answers.")
    previous = _current_solution(question)
    if previous == answer.id:
        db.session.commit()
        return False
    now = now or utcnow()
    question.solution_answer_id, question.solved_at, question.solved_by_id = answer.id, now, actor.id
    question.last_activity_at = now
    db.session.flush()
    if previous is None:
        events.publish(events.SolutionAccepted(question.id, answer.id, actor.id))
    else:
        events.publish(events.SolutionChanged(question.id, previous, answer.id, actor.id))
    db.session.commit()
    audit.event("question.solved", question_id=question.id, answer_id=answer.id, user_id=actor.id)
    return True


@writes
def unaccept_solution(actor: User, question: Question) -> bool:
    """The question is unsolved again. Returns False when it had no solution."""
    if not policy.can_accept(actor, question):
        raise NotAllowed("Only the asker, the product managers and trusted members can change the solution.")
    previous = _current_solution(question)
    if previous is None:
        db.session.commit()
        return False
    question.solution_answer_id, question.solved_at, question.solved_by_id = None, None, None
    db.session.flush()
    events.publish(events.SolutionChanged(question.id, previous, None, actor.id))
    db.session.commit()
    audit.event("question.unsolved", question_id=question.id, user_id=actor.id)
    return True
