"""Atom feeds: new ideas on a board, and its delivered ideas."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.markdown import render_markdown
from ideas import bp, policy
from ideas.models import Idea, Status, Visibility
from ideas.urls import board_args

FEED_SIZE = 50


def _atom(board, ideas, title: str, kind: str):
    body = render_template(
        "boards/feed.xml",
        board=board,
        ideas=ideas,
        title=title,
        kind=kind,
        render_markdown=render_markdown,
        **board_args(board),
    )
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.get("/boards/<org_slug>/<board_slug>/feed.atom")
def feed_new(org_slug: str, board_slug: str):
    board = policy.board_or_404(current_user, org_slug, board_slug)
    ideas = db.session.scalars(
        select(Idea)
        .where(Idea.board_id == board.id, Idea.visibility == Visibility.VISIBLE, Idea.status != Status.MERGED)
        .order_by(Idea.created_at.desc(), Idea.id.desc())
        .limit(FEED_SIZE)
    )
    return _atom(board, list(ideas), f"New ideas on {board.name}", "new")


@bp.get("/boards/<org_slug>/<board_slug>/delivered.atom")
def feed_delivered(org_slug: str, board_slug: str):
    board = policy.board_or_404(current_user, org_slug, board_slug)
    ideas = db.session.scalars(
        select(Idea)
        .where(Idea.board_id == board.id, Idea.visibility == Visibility.VISIBLE, Idea.status == Status.DELIVERED)
        .order_by(Idea.delivered_at.desc(), Idea.id.desc())
        .limit(FEED_SIZE)
    )
    return _atom(board, list(ideas), f"Delivered on {board.name}", "delivered")
