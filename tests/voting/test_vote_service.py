import pytest

from app.errors_domain import NotAllowed, ValidationFailed
from ideas.counters import verify
from ideas.models import Status
from ideas.services.statuses import change_status
from tests.support.factories import make_board, make_idea, seasoned_user
from voting.services import OverBudget, VotingClosed, cast_vote, remaining_votes, retract_vote


def test_vote_counts_once_and_the_same_vote_twice_is_one_vote(db):
    idea = make_idea()
    voter = seasoned_user()
    cast_vote(voter, idea, 1)
    result = cast_vote(voter, idea, 1)
    assert (result.idea.upvotes, result.idea.score, result.my_vote) == (1, 1, 1)
    assert verify() == []


def test_switching_and_retracting_move_the_counters(db):
    idea = make_idea(board=make_board(downvotes=True))
    voter = seasoned_user()
    cast_vote(voter, idea, 1)
    switched = cast_vote(voter, idea, -1)
    assert (switched.idea.upvotes, switched.idea.downvotes, switched.idea.score) == (0, 1, -1)
    retracted = retract_vote(voter, idea)
    assert (retracted.idea.upvotes, retracted.idea.downvotes, retracted.idea.score, retracted.my_vote) == (0, 0, 0, 0)
    assert verify() == []


def test_downvotes_need_the_board_setting(db):
    idea = make_idea()
    with pytest.raises(ValidationFailed, match="down-votes"):
        cast_vote(seasoned_user(), idea, -1)
    assert idea.downvotes == 0


def test_voting_closes_on_delivered_declined_and_merged(db):
    idea = make_idea()
    pm = idea.board.organisation.memberships[0].user
    change_status(pm, idea, Status.DELIVERED, "Shipped in 4.2")
    with pytest.raises(VotingClosed, match="delivered"):
        cast_vote(seasoned_user(), idea, 1)


def test_private_board_outsiders_cannot_vote(db):
    idea = make_idea(board=make_board(private=True))
    with pytest.raises(NotAllowed):
        cast_vote(seasoned_user(), idea, 1)


def test_budget_limits_active_votes_and_closed_ideas_give_them_back(db):
    board = make_board(budget=2)
    first, second, third = (make_idea(board) for _ in range(3))
    voter = seasoned_user()
    cast_vote(voter, first, 1)
    cast_vote(voter, second, 1)
    with pytest.raises(OverBudget, match="all 2 of your votes"):
        cast_vote(voter, third, 1)
    assert third.upvotes == 0 and remaining_votes(voter, board) == 0

    pm = board.organisation.memberships[0].user
    change_status(pm, first, Status.DECLINED, "Not for us")
    assert remaining_votes(voter, board) == 1
    cast_vote(voter, third, 1)
    retract_vote(voter, second)
    assert remaining_votes(voter, board) == 1


def test_repeating_or_switching_a_vote_with_a_full_budget_spends_nothing(db):
    """Found by the voting state machine: the same vote again was refused as over budget."""
    board = make_board(budget=2, downvotes=True)
    first, second = make_idea(board), make_idea(board)
    voter = seasoned_user()
    cast_vote(voter, first, 1)
    cast_vote(voter, second, 1)
    assert cast_vote(voter, first, 1).idea.score == 1
    assert cast_vote(voter, first, -1).idea.score == -1
    assert remaining_votes(voter, board) == 0


def test_voting_is_rate_limited_per_member(app, db):
    from tests.support.factories import login

    app.config["RATELIMIT_WRITE"] = "4 per minute"
    idea = make_idea()
    client = app.test_client()
    login(client, seasoned_user())
    statuses = [
        client.post(f"/ideas/{idea.id}/vote", data={"value": str(v)}, headers={"HX-Request": "true"}).status_code
        for v in (1, 0, 1, 0, 1)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    assert idea.score == 0  # the refused vote changed nothing
