"""Votes through the JSON API: PUT casts (idempotently), DELETE takes back, the answer carries the
idea's new counters, your vote and your remaining budget; closed ideas and spent budgets are 409."""

from __future__ import annotations

import re

import pytest

from app.extensions import db as _db
from ideas.models import Status, Vote
from ideas.moderation.services import block
from ideas.services.merging import merge_ideas
from ideas.services.statuses import change_status
from tests.support.factories import invite_to_board, login, make_board, make_idea, make_org, seasoned_user, token_client
from voting.models import VoteBudget
from voting.services import cast_vote


@pytest.fixture
def acme(db):
    return make_org(name="Acme Analytics", slug="acme")


@pytest.fixture
def pm(acme):
    return acme.memberships[0].user


@pytest.fixture
def voter(app, db):
    return token_client(app, seasoned_user(name="Vera Voter"))


def _vote(client, idea, value):
    return client.put(f"/api/v1/ideas/{idea.id}/vote", json={"value": value})


def test_an_upvote_answers_with_the_new_counters(app, acme, voter, client):
    idea = make_idea(make_board(acme))
    cast_vote(seasoned_user(), idea, 1)
    response = _vote(voter, idea, 1)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "idea_id": idea.id,
        "upvotes": 2,
        "downvotes": 0,
        "score": 2,
        "my_vote": 1,
        "remaining_votes": None,
    }
    # The schema the document declares says the same.
    document = client.get("/api/v1/openapi.json").get_json()
    vote_out = document["components"]["schemas"]["VoteOut"]
    assert set(vote_out["required"]) == {"idea_id", "upvotes", "downvotes", "score", "my_vote", "remaining_votes"}
    put = document["paths"]["/api/v1/ideas/{idea_id}/vote"]["put"]
    assert {"403", "404", "409", "422"} <= set(put["responses"])
    assert "over_budget" in put["description"] and "remaining" in put["description"]


def test_the_same_vote_twice_is_one_vote_and_the_other_value_switches_it(acme, voter):
    idea = make_idea(make_board(acme, downvotes=True))
    first = _vote(voter, idea, 1).get_json()
    again = _vote(voter, idea, 1)
    assert again.status_code == 200 and again.get_json() == first
    assert (first["upvotes"], first["score"]) == (1, 1)
    assert _db.session.query(Vote).filter_by(idea_id=idea.id).count() == 1

    switched = _vote(voter, idea, -1).get_json()
    assert (switched["upvotes"], switched["downvotes"], switched["score"], switched["my_vote"]) == (0, 1, -1, -1)
    assert voter.get(f"/api/v1/ideas/{idea.id}").get_json()["my_vote"] == -1
    assert _vote(voter, idea, -1.0).get_json()["downvotes"] == 1  # 1.0 is the integer 1 in JSON


def test_delete_takes_the_vote_back_and_is_harmless_without_one(acme, voter):
    idea = make_idea(make_board(acme))
    _vote(voter, idea, 1)
    response = voter.delete(f"/api/v1/ideas/{idea.id}/vote")
    assert response.status_code == 200
    assert response.get_json() == {
        "idea_id": idea.id,
        "upvotes": 0,
        "downvotes": 0,
        "score": 0,
        "my_vote": 0,
        "remaining_votes": None,
    }
    assert voter.delete(f"/api/v1/ideas/{idea.id}/vote").get_json()["upvotes"] == 0
    assert _db.session.query(Vote).count() == 0


@pytest.mark.parametrize("status", [Status.DELIVERED, Status.DECLINED])
def test_voting_on_a_closed_idea_is_409_with_a_clear_message(acme, pm, voter, status):
    idea = make_idea(make_board(acme))
    _vote(voter, idea, 1)
    change_status(pm, idea, status)
    for response in (_vote(voter, idea, 1), voter.delete(f"/api/v1/ideas/{idea.id}/vote")):
        assert response.status_code == 409
        error = response.get_json()["error"]
        assert error["code"] == "voting_closed"
        assert error["message"] == f"Voting is closed: this idea is {Status.LABELS[status].lower()}."
    assert voter.get(f"/api/v1/ideas/{idea.id}").get_json()["upvotes"] == 1  # the vote stays


def test_a_merged_idea_takes_no_votes(acme, pm, voter):
    board = make_board(acme)
    source, target = make_idea(board), make_idea(board)
    merge_ideas(pm, source, target)
    response = _vote(voter, source, 1)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "voting_closed"
    assert _vote(voter, target, 1).status_code == 200


def test_over_the_budget_is_409_and_says_none_remain(acme, pm, voter):
    board = make_board(acme, budget=2)
    first, second, third = make_idea(board), make_idea(board), make_idea(board)
    assert _vote(voter, first, 1).get_json()["remaining_votes"] == 1
    assert _vote(voter, first, 1).get_json()["remaining_votes"] == 1  # the same vote does not spend twice
    assert _vote(voter, second, 1).get_json()["remaining_votes"] == 0

    refused = _vote(voter, third, 1)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "over_budget" and error["fields"] == {"remaining": ["0"]}
    assert "used all 2 of your votes" in error["message"]
    assert voter.get(f"/api/v1/ideas/{third.id}").get_json()["upvotes"] == 0
    assert voter.get(f"/api/v1/boards/{board.id}").get_json()["remaining_votes"] == 0

    assert voter.delete(f"/api/v1/ideas/{first.id}/vote").get_json()["remaining_votes"] == 1
    assert _vote(voter, third, 1).get_json() == {
        "idea_id": third.id,
        "upvotes": 1,
        "downvotes": 0,
        "score": 1,
        "my_vote": 1,
        "remaining_votes": 0,
    }
    # A vote on a delivered idea comes back to the budget.
    change_status(pm, second, Status.DELIVERED)
    assert voter.get(f"/api/v1/boards/{board.id}").get_json()["remaining_votes"] == 1
    assert _db.session.query(VoteBudget).one().used == 1


@pytest.mark.parametrize(
    "payload",
    [{"value": 2}, {"value": 0}, {"value": "1"}, {"value": True}, {}, {"value": 1, "extra": 1}, {"value": 1.5}],
)
def test_a_vote_is_1_or_minus_1(acme, voter, payload):
    idea = make_idea(make_board(acme, downvotes=True))
    response = voter.put(f"/api/v1/ideas/{idea.id}/vote", json=payload)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) <= {"value", "extra"}
    assert response.get_json()["error"]["fields"]
    assert _db.session.query(Vote).count() == 0


def test_down_votes_only_where_the_board_takes_them(acme, voter):
    idea = make_idea(make_board(acme, downvotes=False))
    response = _vote(voter, idea, -1)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"value": ["Down-votes are off."]}


def test_a_blocked_member_cannot_vote(app, acme, pm):
    board = make_board(acme)
    idea = make_idea(board)
    blocked = seasoned_user()
    block(pm, board, blocked)
    response = _vote(token_client(app, blocked), idea, 1)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_a_private_board_answers_404_to_outsiders_and_takes_insiders_votes(app, acme, voter):
    board = make_board(acme, private=True)
    idea = make_idea(board, title="Confidential pricing idea")
    for payload in ({"value": 1}, {"value": "nonsense"}):
        response = _vote(voter, idea, payload["value"])
        assert response.status_code == 404 and "Confidential" not in response.get_data(as_text=True)
    assert voter.delete(f"/api/v1/ideas/{idea.id}/vote").status_code == 404
    assert voter.put(f"/api/v1/ideas/{idea.id}/vote", data="x", content_type="text/plain").status_code == 404

    invite_to_board(board, voter.user)
    assert _vote(voter, idea, 1).get_json()["upvotes"] == 1
    member_elsewhere = token_client(app, make_org().memberships[0].user)
    assert _vote(member_elsewhere, idea, 1).status_code == 404


def test_votes_need_credentials(app, acme):
    idea = make_idea(make_board(acme))
    client = app.test_client()
    assert client.put(f"/api/v1/ideas/{idea.id}/vote", json={"value": 1}).status_code == 401
    bad_token = client.put(
        f"/api/v1/ideas/{idea.id}/vote", json={"value": 1}, headers={"Authorization": "Bearer ifp_not-a-real-token"}
    )
    assert bad_token.status_code == 401 and bad_token.get_json()["error"]["code"] == "invalid_token"
    assert client.delete(f"/api/v1/ideas/{idea.id}/vote").status_code == 401
    assert _db.session.query(Vote).count() == 0


def test_a_session_client_votes_with_its_csrf_token(app, acme):
    """Browser pages may call the API with their session; a vote then needs the page's X-CSRFToken."""
    app.config["WTF_CSRF_ENABLED"] = True  # this test's own app, as in production
    idea = make_idea(make_board(acme))
    client = app.test_client()
    login(client, seasoned_user())
    refused = client.put(f"/api/v1/ideas/{idea.id}/vote", json={"value": 1})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    page = client.get("/settings/tokens").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.put(f"/api/v1/ideas/{idea.id}/vote", json={"value": 1}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["upvotes"] == 1
