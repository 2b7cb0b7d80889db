"""Asking, editing and deleting questions (deleting is soft: links and answers keep their place)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import NotAllowed, ValidationFailed
from app.extensions import db
from ideas import policy as board_policy
from ideas.models import Board, Visibility
from ideas.moderation.services import hold_for_review, moderation_state
from ideas.questions import policy
from ideas.questions.models import Question, QuestionRevision
from ideas.tags import board_tags, check_filing

TITLE_MIN, TITLE_MAX, BODY_MAX = 10, 160, 20_000


@dataclass
class QuestionInput:
    title: str
    body: str = ""
    category_id: int | None = None
    tags: list[str] = field(default_factory=list)


def check_question(board: Board, data: QuestionInput) -> QuestionInput:
    """The fields cleaned, or ValidationFailed naming every field at fault."""
    errors: dict[str, list[str]] = {}
    title = " ".join((data.title or "").split())
    body = (data.body or "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = [f"The question needs {TITLE_MIN} to {TITLE_MAX} characters."]
    if len(body) > BODY_MAX:
        errors["body"] = [f"The details can be at most {BODY_MAX:,} characters."]
    category_id, tags = check_filing(board.id, data.category_id, data.tags, errors)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)
    return QuestionInput(title, body, category_id, tags)


@writes
def ask_question(author: User, board: Board, data: QuestionInput, now: datetime | None = None) -> Question:
    """A new question. From a brand-new account, one that looks like spam waits for a moderator.
    Raises NotAllowed or ValidationFailed."""
    if not board_policy.can_participate(author, board):
        raise NotAllowed("You cannot ask on this board.")
    now = now or utcnow()
    data = check_question(board, data)
    visibility, reason = moderation_state(author, f"{data.title} {data.body}", now)
    question = Question(
        board_id=board.id,
        author_id=author.id,
        title=data.title,
        body=data.body,
        category_id=data.category_id,
        visibility=visibility,
        created_at=now,
        last_activity_at=now,
    )
    db.session.add(question)
    db.session.flush()
    question.tags = board_tags(board.id, data.tags)
    if visibility != Visibility.VISIBLE:
        hold_for_review(board, "question", question.id, reason)
    events.publish(events.QuestionAsked(question.id, board.id, author.id, visibility == Visibility.VISIBLE))
    db.session.commit()
    audit.event("question.asked", question_id=question.id, board_id=board.id, user_id=author.id, visibility=visibility)
    return question


@writes
def edit_question(editor: User, question: Question, data: QuestionInput, now: datetime | None = None) -> Question:
    """Keeps the previous text in the history. Raises NotAllowed or ValidationFailed."""
    now = now or utcnow()
    if not policy.can_edit_question(editor, question, now):
        raise NotAllowed("This question can no longer be edited: the edit window has closed.")
    data = check_question(question.board, data)
    if (data.title, data.body) != (question.title, question.body):
        db.session.add(
            QuestionRevision(
                question_id=question.id, editor_id=editor.id, title=question.title, body=question.body, created_at=now
            )
        )
        question.title, question.body, question.edited_at = data.title, data.body, now
    question.category_id = data.category_id
    question.tags = board_tags(question.board_id, data.tags)
    db.session.commit()
    audit.event("question.edited", question_id=question.id, user_id=editor.id)
    return question


@writes
def delete_question(user: User, question: Question, now: datetime | None = None) -> None:
    """The asker or a moderator; the question leaves the lists, its answers stay for moderators."""
    if question.is_deleted:
        return
    if not policy.can_delete(user, question.board, question.author_id):
        raise NotAllowed("Only the asker or a moderator can delete this question.")
    question.deleted_at = now or utcnow()
    db.session.commit()
    audit.event("question.deleted", question_id=question.id, user_id=user.id)


def revisions(question: Question, answer_id: int | None = None) -> list[QuestionRevision]:
    where = QuestionRevision.answer_id.is_(None) if answer_id is None else QuestionRevision.answer_id == answer_id
    return list(
        db.session.scalars(
            select(QuestionRevision)
            .where(QuestionRevision.question_id == question.id, where)
            .order_by(QuestionRevision.created_at.desc(), QuestionRevision.id.desc())
        )
    )
