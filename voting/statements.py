"""The vote's statements, built once on the tables and run with new values each time: building an
ORM statement anew (its cache key, and synchronising the session) cost far more than SQLite takes
to run it. Measured in bench/RESULTS.md (2026-11-24: 16.9 → 5.2–7.0 ms of CPU per vote in process
with these, the upserts as text and the reputation check), the rules that use them in services.py."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, select, text, update

from ideas.models import Idea, Status, Visibility, Vote
from voting.models import VoteBudget

_ideas, _votes, _budgets = Idea.__table__, Vote.__table__, VoteBudget.__table__

# Counters move atomically; the WHERE re-checks, under the write lock, what _check_can_vote saw.
BUMP_COUNTERS = (
    update(_ideas)
    .where(
        _ideas.c.id == bindparam("idea_id"),
        _ideas.c.visibility == Visibility.VISIBLE,
        _ideas.c.status.not_in(Status.CLOSED),
    )
    .values(
        upvotes=_ideas.c.upvotes + bindparam("up"),
        downvotes=_ideas.c.downvotes + bindparam("down"),
        score=_ideas.c.score + bindparam("up") - bindparam("down"),
        last_activity_at=bindparam("now", type_=_ideas.c.last_activity_at.type),
    )
    .returning(_ideas.c.upvotes, _ideas.c.downvotes, _ideas.c.score, _ideas.c.created_at, _ideas.c.trending_rank)
)
SET_RANKS = (
    update(_ideas)
    .where(_ideas.c.id == bindparam("idea_id"))
    .values(hot_rank=bindparam("hot"), confidence_rank=bindparam("confidence"), trending_rank=bindparam("trending"))
)
# (Bound names differ from the column names where UPDATE reserves those for its SET clause.)
SWITCH_VOTE = (
    update(_votes)
    .where(
        _votes.c.idea_id == bindparam("of_idea"),
        _votes.c.user_id == bindparam("of_user"),
        _votes.c.value == bindparam("old_value"),
    )
    .values(value=bindparam("new_value"), updated_at=bindparam("now", type_=_votes.c.updated_at.type))
    .returning(_votes.c.created_at)
)
DELETE_VOTE = (
    delete(_votes)
    .where(_votes.c.idea_id == bindparam("idea_id"), _votes.c.user_id == bindparam("user_id"))
    .returning(_votes.c.value, _votes.c.created_at)
)
_of_budget = (_budgets.c.board_id == bindparam("of_board"), _budgets.c.user_id == bindparam("of_user"))
SPEND = (
    update(_budgets)
    .where(*_of_budget, _budgets.c.used < bindparam("budget"))
    .values(used=_budgets.c.used + 1)
    .returning(_budgets.c.used)
)
REFUND = (
    update(_budgets).where(*_of_budget, _budgets.c.used > 0).values(used=_budgets.c.used - 1).returning(_budgets.c.used)
)
USED = select(_budgets.c.used).where(*_of_budget)


# New votes and budget rows: INSERT ... ON CONFLICT DO NOTHING RETURNING, in the syntax SQLite
# (>= 3.35) and PostgreSQL share. Written as text because SQLAlchemy never caches its dialect
# INSERT constructs: they would be compiled again on every vote.
INSERT_VOTE = text(
    "INSERT INTO votes (idea_id, user_id, value, created_at, updated_at, proxy_by_id, proxy_note) "
    "VALUES (:idea_id, :user_id, :value, :now, :now, :proxy_by_id, :proxy_note) "
    "ON CONFLICT (idea_id, user_id) DO NOTHING RETURNING id"
).bindparams(bindparam("now", type_=_votes.c.created_at.type))
INSERT_BUDGET = text(
    "INSERT INTO vote_budgets (board_id, user_id, used) VALUES (:board_id, :user_id, 1) "
    "ON CONFLICT (board_id, user_id) DO NOTHING RETURNING used"
)
