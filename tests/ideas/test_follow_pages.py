"""The Follow button of an idea's page: a plain form without JavaScript, swapped in place by htmx;
a refusal is shown beside the button either way, never as an error page."""

from __future__ import annotations

from ideas.models import Status
from tests.support import refusals
from tests.support.factories import make_board, make_idea, make_org

MERGED = "This idea was merged into #{}; follow that one."


def _merged_idea(db):
    board = make_board(make_org(slug="acme"), slug="dash")
    kept, duplicate = make_idea(board, title="Dark mode"), make_idea(board, title="Dark theme please")
    duplicate.status, duplicate.merged_into_id = Status.MERGED, kept.id
    db.session.commit()
    return kept, duplicate


def test_following_without_javascript_goes_back_to_the_button(db, user_client):
    idea, _ = _merged_idea(db)
    response = user_client.post(f"/ideas/{idea.id}/follow", data={"follow": "1"})
    assert response.status_code == 303 and response.headers["Location"] == f"/ideas/{idea.id}#follow-{idea.id}"
    assert "Following ✓" in user_client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_a_refused_follow_without_javascript_says_why_beside_the_button(db, user_client):
    kept, duplicate = _merged_idea(db)
    response = user_client.post(f"/ideas/{duplicate.id}/follow", data={"follow": "1"})
    assert response.headers["Location"] == f"/ideas/{duplicate.id}?stay=1#follow-{duplicate.id}"
    html = user_client.get(response.headers["Location"]).get_data(as_text=True)
    assert refusals.beside(html, f"follow-{duplicate.id}") == MERGED.format(kept.id)
    assert "merged into" not in refusals.at_top(html)
    again = user_client.get(f"/ideas/{duplicate.id}?stay=1").get_data(as_text=True)
    assert refusals.beside(again, f"follow-{duplicate.id}") == ""  # said once


def test_a_refused_follow_with_htmx_is_a_message_for_the_button(db, user_client):
    kept, duplicate = _merged_idea(db)
    response = user_client.post(f"/ideas/{duplicate.id}/follow", data={"follow": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == MERGED.format(kept.id)
