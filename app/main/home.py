"""What the home and organisation pages show of the boards a visitor may see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.orgs.models import Organisation
from ideas import policy
from ideas.models import Board, Idea, Status, Visibility

TOP_IDEAS = 3


@dataclass
class FeaturedBoard:
    board: Board
    top_ideas: list[Idea]


def visible_boards(user, organisation: Organisation) -> list[Board]:
    boards = db.session.scalars(select(Board).where(Board.organisation_id == organisation.id).order_by(Board.name))
    return [board for board in boards if policy.can_view(user, board)]


def featured_boards(user, limit: int = 6) -> list[FeaturedBoard]:
    """The busiest boards the visitor may see, each with its top open ideas."""
    boards = list(
        db.session.scalars(
            select(Board)
            .where(Board.id.in_(policy.visible_board_ids(user)))
            .options(selectinload(Board.organisation))
            .order_by(Board.idea_count.desc(), Board.id)
            .limit(limit)
        )
    )
    featured = []
    for board in boards:
        ideas = list(
            db.session.scalars(
                select(Idea)
                .where(
                    Idea.board_id == board.id, Idea.visibility == Visibility.VISIBLE, Idea.status.not_in(Status.CLOSED)
                )
                .order_by(Idea.score.desc(), Idea.id.desc())
                .limit(TOP_IDEAS)
            )
        )
        featured.append(FeaturedBoard(board, ideas))
    return featured
