"""Budgets follow what happens to ideas: a closed idea's votes go back to their voters, and merges,
hiding and a board's new budget recount them. Run in the transaction of the change."""

from __future__ import annotations

from app import events
from app.extensions import db
from ideas.models import Board, Idea
from voting.services import recount_budgets, release_budget_if_closed


@events.subscribe(events.IdeaStatusChanged)
def _status_changed(event: events.IdeaStatusChanged) -> None:
    release_budget_if_closed(db.session.get(Idea, event.idea_id), event.from_status)


@events.subscribe(events.IdeaMerged)
@events.subscribe(events.IdeaMergeUndone)
def _merged(event) -> None:
    _recount(db.session.get(Idea, event.source_id).board)


@events.subscribe(events.IdeaVisibilityChanged)
def _visibility_changed(event: events.IdeaVisibilityChanged) -> None:
    _recount(db.session.get(Board, event.board_id))


@events.subscribe(events.BoardBudgetChanged)
def _budget_changed(event: events.BoardBudgetChanged) -> None:
    _recount(db.session.get(Board, event.board_id))


def _recount(board: Board) -> None:
    """Recounting from the votes table gets every case right (the change is flushed first)."""
    if board.vote_budget is not None:
        db.session.flush()
        recount_budgets(board)
