"""Statements every board page runs, built once: compiling them per request was a measurable
share of a signed-in page (bench/RESULTS.md, "Lookups every signed-in page makes", 2026-11-24:
signed-in board page 22.0 → 18.2 ms of CPU on SQLite with these and the membership lookup)."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.orgs.models import Organisation
from ideas.models import Board, Tag, Vote

# The board with the organisation its pages show and check.
BOARD_BY_SLUGS = (
    select(Board)
    .join(Organisation)
    .options(contains_eager(Board.organisation))
    .where(Organisation.slug == bindparam("org_slug"), Board.slug == bindparam("board_slug"))
)
# The viewer's own votes on the rows of a page.
VOTES_OF = select(Vote.idea_id, Vote.value).where(
    Vote.user_id == bindparam("user_id"), Vote.idea_id.in_(bindparam("idea_ids", expanding=True))
)
# The tags of a board's filter bar.
TAGS_OF = select(Tag.name).where(Tag.board_id == bindparam("board_id")).order_by(Tag.name).limit(bindparam("limit"))


def board_by_slugs(org_slug: str, board_slug: str) -> Board | None:
    return db.session.scalar(BOARD_BY_SLUGS, {"org_slug": org_slug, "board_slug": board_slug})
