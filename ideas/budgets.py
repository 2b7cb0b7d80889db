"""A member's votes left on a board that limits them. Budgets are the voting package's: it
installs its reader here at start-up (ideas sits below voting and cannot import it)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

_READER = "ideas.votes_left"


def install(app: Flask, reader: Callable) -> None:
    """`reader(user, board)` answers the votes left, or None on a board without a budget."""
    app.extensions[_READER] = reader


def votes_left(user, board) -> int | None:
    if board.vote_budget is None:
        return None
    return current_app.extensions[_READER](user, board)
