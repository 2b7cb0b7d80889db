"""Who may see and do what with questions and answers: the one place these checks live.

What a viewer may not see answers 404: a private board's questions to outsiders, held or hidden
posts to everyone but their author and the moderators, deleted ones to everyone but moderators.
"""

from __future__ import annotations

from flask import abort

from app.auth.models import User
from app.extensions import db
from app.orgs import policy as org_policy
from app.reputation import services as reputation
from ideas import policy as board_policy
from ideas.models import Board, Visibility
from ideas.questions.models import Answer, Question
from ideas.tags import within_edit_window

# Members from this reputation level (Leader) may accept a solution for the asker, as
# Discourse lets its highest trust level do.
ACCEPT_FOR_OTHERS_LEVEL = 4


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _post_seen(user: User | None, board: Board, author_id: int | None, visibility: str, deleted: bool) -> bool:
    moderator = board_policy.can_moderate(user, board)
    if deleted:
        return moderator
    if visibility == Visibility.VISIBLE:
        return True
    return moderator or (_signed_in(user) and author_id == user.id)


def can_see_question(user: User | None, question: Question) -> bool:
    return board_policy.can_view(user, question.board) and _post_seen(
        user, question.board, question.author_id, question.visibility, question.is_deleted
    )


def can_see_answer(user: User | None, answer: Answer) -> bool:
    return can_see_question(user, answer.question) and _post_seen(
        user, answer.question.board, answer.author_id, answer.visibility, answer.is_deleted
    )


def can_take_part(user: User | None, question: Question) -> bool:
    """Answer and give kudos: a member who may take part on the board, on a live question."""
    return (
        board_policy.can_participate(user, question.board)
        and can_see_question(user, question)
        and not question.is_deleted
        and question.visibility == Visibility.VISIBLE
    )


def is_staff(user: User | None, board: Board) -> bool:
    """Holds a role in the board's organisation: their answers are official."""
    membership = org_policy.membership_of(user, board.organisation)
    return membership is not None and bool(membership.roles)


def can_accept(user: User | None, question: Question) -> bool:
    """The asker; the organisation's product managers and moderators; members of a high level."""
    if not can_take_part(user, question) and not board_policy.can_moderate(user, question.board):
        return False
    if question.author_id == user.id or board_policy.can_moderate(user, question.board):
        return True
    level = reputation.level_of(user.id, question.board.organisation_id)
    return level.number >= ACCEPT_FOR_OTHERS_LEVEL


def can_edit_post(user: User | None, board: Board, author_id: int | None, created_at, deleted: bool, now=None) -> bool:
    """Moderators always; the author within the edit window, unless blocked from the board."""
    if not _signed_in(user) or deleted:
        return False
    if board_policy.can_moderate(user, board):
        return True
    if author_id != user.id or board_policy.is_blocked(user, board):
        return False
    return within_edit_window(created_at, now)


def can_edit_question(user: User | None, question: Question, now=None) -> bool:
    return can_edit_post(user, question.board, question.author_id, question.created_at, question.is_deleted, now)


def can_edit_answer(user: User | None, answer: Answer, now=None) -> bool:
    board = answer.question.board
    return can_edit_post(user, board, answer.author_id, answer.created_at, answer.is_deleted, now)


def can_delete(user: User | None, board: Board, author_id: int | None) -> bool:
    return _signed_in(user) and (author_id == user.id or board_policy.can_moderate(user, board))


# -- what a path names, for the routes --------------------------------------------------------------


def question_or_404(user: User | None, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or not can_see_question(user, question):
        abort(404)
    return question


def answer_or_404(user: User | None, answer_id: int) -> Answer:
    answer = db.session.get(Answer, answer_id)
    if answer is None or not can_see_answer(user, answer):
        abort(404)
    return answer
