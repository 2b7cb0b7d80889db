"""Each privilege is refused on the server below its level (403 with the level it takes),
even when posted directly, and allowed from it; the page says what unlocks it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ideas.models import Visibility
from ideas.moderation.models import DuplicateSuggestion
from tests.support.factories import login, make_board, make_idea, make_org, seasoned_user
from tests.support.reputation import give_points


@pytest.fixture
def community(app):
    org = make_org(slug="acme")
    board = make_board(org, slug="dash", categories=("Reporting", "Billing"))
    return org, board


def _member(app, org, points: int):
    user = seasoned_user()
    if points:
        give_points(user, org, points)
    client = app.test_client()
    login(client, user)
    client.user = user
    return client


def _refused(response, level: str) -> None:
    assert response.status_code == 403
    assert f"takes level {level}" in response.get_data(as_text=True)


def test_locked_actions_say_what_unlocks_them_instead_of_offering_a_form(app, db, community):
    org, board = community
    idea = make_idea(board)
    newcomer = _member(app, org, 0)
    page = newcomer.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Reach level 2 (Contributor, 100 points) to mark ideas as duplicates." in page
    assert "Reach level 3 (Trusted, 500 points) to vote to hide content." in page
    assert "Suggest a merge" not in page and "Vote to hide</button>" not in page
    assert "Send to moderators" in page  # reporting is open to everyone


def test_marking_a_duplicate_needs_level_two_and_lists_it_for_the_pm(app, db, community):
    org, board = community
    original, copy = make_idea(board, title="Export reports to CSV"), make_idea(board, title="CSV export please")
    member, contributor = _member(app, org, 99), _member(app, org, 100)
    _refused(member.post(f"/ideas/{copy.id}/duplicate", data={"duplicate_of_id": str(original.id)}), "2 (Contributor")
    assert "Suggest a merge" not in member.get(f"/ideas/{copy.id}").get_data(as_text=True)
    assert (
        contributor.post(f"/ideas/{copy.id}/duplicate", data={"duplicate_of_id": f"#{original.id}"}).status_code == 303
    )
    assert db.session.scalar(select(DuplicateSuggestion.duplicate_of_id)) == original.id
    pm = app.test_client()
    login(pm, org.memberships[0].user)
    queue = pm.get("/boards/acme/dash/moderation").get_data(as_text=True)
    assert "Suggested duplicates (1)" in queue and f"Merge into #{original.id}" in queue
    assert pm.post(f"/ideas/{copy.id}/merge", data={"target_id": original.id}).status_code == 303
    assert "Suggested duplicates (0)" in pm.get("/boards/acme/dash/moderation").get_data(as_text=True)


def test_hiding_needs_level_three_and_three_trusted_votes(app, db, community):
    org, board = community
    idea = make_idea(board, title="Something rude in here")
    contributor = _member(app, org, 499)
    _refused(contributor.post(f"/community/hide/idea/{idea.id}"), "3 (Trusted")
    trusted = [_member(app, org, 500) for _ in range(3)]
    for client in trusted[:2]:
        assert client.post(f"/community/hide/idea/{idea.id}").status_code == 303
    db.session.refresh(idea)
    assert idea.visibility == Visibility.VISIBLE
    trusted[2].post(f"/community/hide/idea/{idea.id}")
    db.session.refresh(idea)
    assert idea.visibility == Visibility.PENDING  # hidden, waiting for a moderator
    assert app.test_client().get(f"/ideas/{idea.id}").status_code == 404
    pm = app.test_client()
    login(pm, org.memberships[0].user)
    assert "Hidden by the community: 3 votes to hide" in pm.get("/boards/acme/dash/moderation").get_data(as_text=True)


def test_editing_others_tags_needs_level_three(app, db, community):
    org, board = community
    idea = make_idea(board, tags=["csv"])
    reporting = board.categories[0].id
    contributor, trusted = _member(app, org, 499), _member(app, org, 500)
    data = {"category_id": str(reporting), "tags": "export, reports"}
    _refused(contributor.post(f"/ideas/{idea.id}/tags", data=data), "3 (Trusted")
    db.session.refresh(idea)
    assert [t.name for t in idea.tags] == ["csv"] and idea.category_id is None
    assert trusted.post(f"/ideas/{idea.id}/tags", data=data).status_code == 303
    db.session.refresh(idea)
    assert [t.name for t in idea.tags] == ["export", "reports"] and idea.category_id == reporting


def test_product_managers_hold_every_privilege_without_points(app, db, community):
    org, board = community
    idea = make_idea(board)
    pm = app.test_client()
    login(pm, org.memberships[0].user)
    assert pm.post(f"/flag/idea/{idea.id}", data={"reason": "spam"}).status_code == 303
    assert pm.post(f"/ideas/{idea.id}/tags", data={"category_id": "", "tags": "triage"}).status_code == 303
