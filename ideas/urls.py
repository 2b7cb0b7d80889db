"""Address pieces shared by the pages that link to a board."""

from __future__ import annotations

from ideas.models import Board


def board_args(board: Board) -> dict:
    return {"org_slug": board.organisation.slug, "board_slug": board.slug}
