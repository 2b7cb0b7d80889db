"""A board's question lists: newest, unanswered, unsolved, solved, each read from an index with
keyset pagination, in a constant number of queries whatever the page size."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, selectinload

from app.api.pagination import PageQuery, keyset_page
from app.db_types import write_aside
from app.extensions import db
from ideas.models import Board, Visibility
from ideas.questions.models import Question

VIEWS = {
    "newest": "Newest",
    "unanswered": "Unanswered",
    "unsolved": "Unsolved",
    "solved": "Solved",
}
DEFAULT_VIEW = "newest"


def list_questions(board: Board, view: str, page: PageQuery) -> tuple[list[Question], str | None]:
    """One page of a board's questions. Raises ValidationFailed for a bad cursor."""
    view = view if view in VIEWS else DEFAULT_VIEW
    stmt = (
        select(Question)
        .where(Question.board_id == board.id, Question.visibility == Visibility.VISIBLE, Question.deleted_at.is_(None))
        .options(joinedload(Question.author), joinedload(Question.category), selectinload(Question.tags))
    )
    columns = [Question.created_at, Question.id]
    if view == "unanswered":
        stmt = stmt.where(Question.answer_count == 0)
    elif view == "unsolved":
        stmt = stmt.where(Question.solved_at.is_(None))
    elif view == "solved":
        stmt = stmt.where(Question.solved_at.is_not(None))
        columns = [Question.solved_at, Question.id]
    return keyset_page(db.session, stmt, kind=f"questions.{view}", columns=columns, query=page)


def count_view(question_id: int) -> None:
    """A reader opened the question: counted best effort, off the request's transaction."""
    write_aside(update(Question).where(Question.id == question_id).values(view_count=Question.view_count + 1))
