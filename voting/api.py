"""Votes in the JSON API under /api/v1: the JSON twin of the vote widget (`voting/routes.py`).

Like every ideas operation, the idea in the path is found first: 404 for one the caller may not
see (see `ideas/api.py`), before the body is read.
"""

from __future__ import annotations

from flask import Blueprint

from app.api.paths import caller, guard
from app.api.spec import operation
from ideas.api import IDEA_FINDERS, IDEA_ID, visible_idea
from voting import services
from voting.schemas import VoteIn, VoteOut, vote_out

voting_api = Blueprint("voting_api", __name__, url_prefix="/api/v1")
guard(voting_api, IDEA_FINDERS)

CLOSED = (
    "Voting is closed on delivered, declined and merged ideas (409, code `voting_closed`). "
    "On a board with a vote budget, a vote beyond it answers 409 with code `over_budget` and "
    "`fields.remaining` (0); votes on closed ideas come back to the budget."
)


@operation(
    voting_api,
    "PUT",
    f"/ideas/{IDEA_ID}/vote",
    summary="Vote on an idea",
    body=VoteIn,
    response=VoteOut,
    errors=(403, 404, 409),
    tags=("Voting",),
    description="Vote up (1) or down (-1). Idempotent: the same vote again changes nothing; "
    "the other value switches your vote. Down-votes only where the board allows "
    f"them (422 otherwise). 403 if you were blocked on the board. {CLOSED}",
)
def put_vote(idea_id: int, body: VoteIn) -> VoteOut:
    try:
        result = services.cast_vote(caller(), visible_idea(idea_id), body.value)
    except services.OverBudget as error:
        error.fields = {"remaining": [str(error.remaining)]}
        raise
    return vote_out(result)


@operation(
    voting_api,
    "DELETE",
    f"/ideas/{IDEA_ID}/vote",
    summary="Take your vote back",
    response=VoteOut,
    errors=(403, 404, 409),
    tags=("Voting",),
    description="Take your vote back; without one, nothing changes. The vote returns to your "
    "budget. Votes on closed ideas stay (409, code `voting_closed`).",
)
def delete_vote(idea_id: int) -> VoteOut:
    return vote_out(services.retract_vote(caller(), visible_idea(idea_id)))
