"""Numbers too large for any field, time-zone names no file can have and JSON nested beyond what
a parser reads: each is a clear 400 or form error, and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ideas.models import Board, Idea
from tests.support.challenges import make_challenge
from tests.support.factories import make_board, token_client
from voting.demand.models import Segment

HUGE = "9" * 400
DEEP = "[" * 100_000 + "]" * 100_000


def test_a_huge_vote_budget_is_a_form_error(org_admin_client, org, db):
    board = make_board(org)
    response = org_admin_client.post(
        f"/boards/{org.slug}/{board.slug}/settings", data={"name": board.name, "vote_budget": HUGE}
    )
    assert response.status_code == 422 and "That number is too large" in response.get_data(as_text=True)
    assert db.session.scalar(select(Board.vote_budget).where(Board.id == board.id)) is None


def test_a_huge_segment_weight_is_a_form_error(org_admin_client, org, db):
    response = org_admin_client.post(
        f"/orgs/{org.slug}/segments", data={"segment-name": "Enterprise", "segment-weight": HUGE}
    )
    assert response.status_code == 422 and "That number is too large" in response.get_data(as_text=True)
    assert db.session.query(Segment).count() == 0


def test_an_odd_time_zone_on_an_extension_is_read_as_utc(org_admin_client, org):
    challenge = make_challenge(org)
    response = org_admin_client.post(
        f"/challenges/{challenge.id}/extend",
        data={"deadline": "tomorrow", "timezone": "Europe/" + "x" * 400, "reason": "More time"},
    )
    assert response.status_code == 422 and "Give a date and time" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/api/v1/boards/{board}/ideas", "/api/v1/ideas/{idea}/comments", "/api/v1/organisations/{org}/webhooks"]
)
def test_json_nested_too_deeply_is_a_400_on_every_json_endpoint(app, org, path, db):
    board = make_board(org)
    api = token_client(app, org.memberships[0].user)
    idea = api.post(f"/api/v1/boards/{board.id}/ideas", json={"title": "Dark mode"}).get_json()["id"]
    response = api.post(
        path.format(board=board.id, idea=idea, org=org.slug), data=DEEP, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "The JSON is nested too deeply to read."
    assert db.session.query(Idea).count() == 1


def test_json_nested_too_deeply_is_ignored_by_the_csp_report_endpoint(client):
    assert client.post("/csp-report", data=DEEP, content_type="application/csp-report").status_code == 204
