"""The Atom feed of a board's new questions, like the ideas feeds (`ideas/routes/feeds.py`)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app.api.pagination import PageQuery
from app.markdown import render_markdown
from ideas import policy as board_policy
from ideas.questions import bp
from ideas.questions.routes import question_url
from ideas.questions.services import listing
from ideas.urls import board_args

FEED_SIZE = 50


@bp.get("/boards/<org_slug>/<board_slug>/questions/feed.atom")
def feed(org_slug: str, board_slug: str):
    """The newest visible questions (held, hidden and deleted ones left out), 404 where the board is."""
    board = board_policy.board_or_404(current_user, org_slug, board_slug)
    questions, _ = listing.list_questions(board, "newest", PageQuery(limit=FEED_SIZE))
    body = render_template(
        "questions/feed.xml",
        board=board,
        questions=questions,
        question_url=lambda q: question_url(q, _external=True),
        render_markdown=render_markdown,
        **board_args(board),
    )
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}
