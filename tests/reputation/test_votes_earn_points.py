"""Votes earn their idea's author reputation as they are cast, switched and taken back."""

from __future__ import annotations

from app.reputation.services import total_of
from tests.support import factories
from voting.services import cast_vote, retract_vote


def test_a_vote_earns_the_author_points_and_a_retraction_takes_them_back(db):
    board = factories.make_board(downvotes=True)
    idea = factories.make_idea(board)
    voter, org_id = factories.seasoned_user(), board.organisation_id
    cast_vote(voter, idea, 1)
    assert total_of(idea.author_id, org_id) == 10
    cast_vote(voter, idea, -1)
    assert total_of(idea.author_id, org_id) == -2
    retract_vote(voter, idea)
    assert total_of(idea.author_id, org_id) == 0
    cast_vote(idea.author, idea, 1)  # your own idea earns you nothing
    assert total_of(idea.author_id, org_id) == 0
