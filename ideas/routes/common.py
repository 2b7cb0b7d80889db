"""Lookups shared by the ideas routes: each answers 404 for what the viewer may not see."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.extensions import db
from ideas import policy
from ideas.models import Board, Comment, Idea
from ideas.services.boards import get_board


def board_or_404(org_slug: str, board_slug: str) -> Board:
    board = get_board(org_slug, board_slug)
    if board is None or not policy.can_view(current_user, board):
        abort(404)
    return board


def idea_or_404(idea_id: int) -> Idea:
    idea = db.session.get(Idea, idea_id)
    if idea is None or not policy.can_see_idea(current_user, idea):
        abort(404)
    return idea


def comment_or_404(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or not policy.can_see_idea(current_user, comment.idea):
        abort(404)
    return comment


def board_args(board: Board) -> dict:
    return {"org_slug": board.organisation.slug, "board_slug": board.slug}
