"""Answering, editing and deleting answers (a tombstone: the text goes, the place stays)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import NotAllowed, ValidationFailed
from app.extensions import db
from ideas import policy as board_policy
from ideas.models import Visibility
from ideas.moderation.services import hold_for_review, moderation_state
from ideas.questions import policy
from ideas.questions.models import Answer, Question, QuestionRevision

# "Thanks!" and "+1" are not answers. A per-board setting can replace this later.
BODY_MIN, BODY_MAX = 15, 20_000


def check_answer(body: str) -> str:
    """The body cleaned, or ValidationFailed on the `body` field."""
    body = (body or "").strip()
    if len(body) < BODY_MIN:
        message = f"An answer needs at least {BODY_MIN} characters: say what solves the problem."
        raise ValidationFailed(message, {"body": [message]})
    if len(body) > BODY_MAX:
        message = f"An answer can be at most {BODY_MAX:,} characters."
        raise ValidationFailed(message, {"body": [message]})
    return body


def _bump_answer_count(question_id: int, step: int, now: datetime) -> None:
    values = {"answer_count": Question.answer_count + step}
    if step > 0:
        values["last_activity_at"] = now
    db.session.execute(update(Question).where(Question.id == question_id).values(**values))


@writes
def post_answer(author: User, question: Question, body: str, now: datetime | None = None) -> Answer:
    """Any member who may take part on the board; official when the author holds a role in the
    organisation. Raises NotAllowed or ValidationFailed."""
    if not policy.can_take_part(author, question):
        raise NotAllowed("You cannot answer on this board.")
    now = now or utcnow()
    body = check_answer(body)
    visibility, reason = moderation_state(author, body, now)
    answer = Answer(
        question_id=question.id,
        author_id=author.id,
        body=body,
        visibility=visibility,
        is_official=policy.is_staff(author, question.board),
        created_at=now,
    )
    db.session.add(answer)
    db.session.flush()
    if visibility == Visibility.VISIBLE:
        _bump_answer_count(question.id, +1, now)
    else:
        hold_for_review(question.board, "answer", answer.id, reason)
    events.publish(events.AnswerPosted(answer.id, question.id, author.id, answer.is_official))
    db.session.commit()
    audit.event("answer.posted", answer_id=answer.id, question_id=question.id, user_id=author.id)
    return answer


@writes
def edit_answer(editor: User, answer: Answer, body: str, now: datetime | None = None) -> Answer:
    now = now or utcnow()
    if not policy.can_edit_answer(editor, answer, now):
        raise NotAllowed("This answer can no longer be edited: the edit window has closed.")
    body = check_answer(body)
    if body != answer.body:
        db.session.add(
            QuestionRevision(
                question_id=answer.question_id,
                answer_id=answer.id,
                editor_id=editor.id,
                body=answer.body,
                created_at=now,
            )
        )
        answer.body, answer.edited_at = body, now
    db.session.commit()
    return answer


@writes
def delete_answer(user: User, answer: Answer, now: datetime | None = None) -> None:
    """The author or a moderator. A deleted solution stops being the solution."""
    if answer.is_deleted:
        return
    question = answer.question
    if not policy.can_delete(user, question.board, answer.author_id):
        raise NotAllowed("Only the author or a moderator can delete this answer.")
    now = now or utcnow()
    answer.deleted_at, answer.body = now, ""
    if answer.visibility == Visibility.VISIBLE:
        _bump_answer_count(question.id, -1, now)
    if question.solution_answer_id == answer.id:
        question.solution_answer_id, question.solved_at, question.solved_by_id = None, None, None
        db.session.flush()
        events.publish(events.SolutionChanged(question.id, answer.id, None, user.id))
    db.session.commit()
    audit.event("answer.deleted", answer_id=answer.id, user_id=user.id)


def answers_for(question: Question, viewer: User | None) -> list[Answer]:
    """The answers a viewer sees, the accepted solution first, then oldest first. Deleted ones
    leave a tombstone; held or hidden ones show only to their author and the moderators."""
    moderator = board_policy.can_moderate(viewer, question.board)
    viewer_id = viewer.id if viewer is not None and getattr(viewer, "is_authenticated", False) else None
    rows = db.session.scalars(
        select(Answer)
        .where(Answer.question_id == question.id)
        .options(selectinload(Answer.author))
        .order_by(Answer.created_at, Answer.id)
    )
    seen = [a for a in rows if a.visibility == Visibility.VISIBLE or moderator or a.author_id == viewer_id]
    return sorted(seen, key=lambda a: a.id != question.solution_answer_id)
