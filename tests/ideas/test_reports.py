"""Reporting spam and abuse: every member with a confirmed address may report an idea or a
comment once (not their own), a few times a day as a newcomer and more with trust; a report
weighs by the reporter's level, and enough weight hides the post until a moderator looks."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ideas.models import Visibility
from ideas.moderation import privileges
from ideas.moderation.models import Flag
from ideas.services.comments import post_comment
from tests.support import refusals
from tests.support.factories import login, make_board, make_idea, make_org, make_user, seasoned_user
from tests.support.reputation import give_points

HX = {"HX-Request": "true"}


@pytest.fixture
def board(app, db):
    return make_board(make_org(slug="acme"), slug="dash")


def _client(app, user):
    client = app.test_client()
    login(client, user)
    client.user = user
    return client


@pytest.fixture
def newcomer(app, board):
    """Signed up a minute ago, address confirmed, no points."""
    return _client(app, make_user(name="Nell Newcomer"))


def _pm(app, board):
    return _client(app, board.organisation.memberships[0].user)


def _flags(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Flag))


def test_a_new_member_reports_an_idea_and_a_comment_into_the_queue(app, db, board, newcomer):
    idea = make_idea(board, title="Cheap followers, message me")
    comment = post_comment(seasoned_user(), idea, "Visit my shop for discounts")
    page = newcomer.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f'id="report-idea-{idea.id}"' in page and f'id="report-comment-{comment.id}"' in page

    answer = newcomer.post(f"/flag/idea/{idea.id}", data={"reason": "spam", "note": "an advert"})
    assert answer.status_code == 303 and answer.location.endswith(f"/ideas/{idea.id}#report-idea-{idea.id}")
    page = newcomer.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Thanks: reported as spam. The moderators will take a look." in page
    assert "You reported this (spam); the moderators will take a look." in page

    fragment = newcomer.post(f"/flag/comment/{comment.id}", data={"reason": "abuse"}, headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert "Thanks: reported as abusive or harmful." in fragment.get_data(as_text=True)
    assert "Send to moderators" not in fragment.get_data(as_text=True)

    flags = db.session.scalars(select(Flag).order_by(Flag.id)).all()
    assert [(f.target_type, f.reporter_level, f.weight) for f in flags] == [("idea", 0, 1), ("comment", 0, 1)]
    db.session.refresh(idea)
    assert idea.visibility == Visibility.VISIBLE  # one newcomer's report does not hide anything
    queue = _pm(app, board).get("/boards/acme/dash/moderation").get_data(as_text=True)
    assert "Cheap followers, message me" in queue and "Visit my shop for discounts" in queue
    assert "Nell Newcomer (level 0, Newcomer; weighs 1)" in queue and "an advert" in queue


def test_reports_weigh_by_level_and_enough_weight_hides_the_post(app, db, board):
    idea = make_idea(board, title="Rude words here")
    trusted = [seasoned_user() for _ in range(2)]
    for member in trusted:
        give_points(member, board.organisation, 500)
    for member in trusted:
        assert _client(app, member).post(f"/flag/idea/{idea.id}", data={"reason": "abuse"}).status_code == 303
    newcomers = [_client(app, make_user()) for _ in range(5)]
    for client in newcomers[:4]:
        client.post(f"/flag/idea/{idea.id}", data={"reason": "abuse"})
    # A trusted member who reported and votes to hide counts once: 5 + 5 + 4 * 1 = 14 of 15.
    assert _client(app, trusted[0]).post(f"/community/hide/idea/{idea.id}").status_code == 303
    db.session.refresh(idea)
    assert idea.visibility == Visibility.VISIBLE
    last = newcomers[4].post(f"/flag/idea/{idea.id}", data={"reason": "abuse"})
    db.session.refresh(idea)
    assert idea.visibility == Visibility.PENDING
    assert last.status_code == 303 and last.location.endswith("/boards/acme/dash")  # not the 404 it is now
    board_page = newcomers[4].get("/boards/acme/dash").get_data(as_text=True)
    assert "Enough members reported it: it is hidden until they do." in board_page
    assert app.test_client().get(f"/ideas/{idea.id}").status_code == 404
    queue = _pm(app, board).get("/boards/acme/dash/moderation").get_data(as_text=True)
    assert "Hidden by the community: 1 vote to hide and 7 reports (weight 15 of 15)" in queue
    assert "(level 3, Trusted; weighs 5)" in queue


def test_own_posts_cannot_be_reported(app, db, board, newcomer):
    idea = make_idea(board, author=newcomer.user)
    assert "Report this idea" not in newcomer.get(f"/ideas/{idea.id}").get_data(as_text=True)
    answer = newcomer.post(f"/flag/idea/{idea.id}", data={"reason": "spam"}, headers=HX)
    assert answer.status_code == 200
    assert _flags(db) == 0
    newcomer.post(f"/flag/idea/{idea.id}", data={"reason": "spam"})
    assert "You cannot report what you wrote." in newcomer.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert _flags(db) == 0


def test_a_second_report_of_the_same_post_is_refused(app, db, board, newcomer):
    idea = make_idea(board)
    newcomer.post(f"/flag/idea/{idea.id}", data={"reason": "spam"})
    again = newcomer.post(f"/flag/idea/{idea.id}", data={"reason": "abuse"}, headers=HX)
    assert "You reported this already; the moderators will take a look." in again.get_data(as_text=True)
    assert _flags(db) == 1 and db.session.scalar(select(Flag.reason)) == "spam"


def test_the_daily_limit_grows_with_trust_and_says_so_beside_the_control(app, db, board, newcomer):
    per_day = privileges.REPORTS_PER_DAY[0]
    ideas = [make_idea(board) for _ in range(per_day + 1)]
    for idea in ideas[:per_day]:
        assert newcomer.post(f"/flag/idea/{idea.id}", data={"reason": "spam"}).status_code == 303
    last = ideas[-1]
    page = newcomer.get(f"/ideas/{last.id}").get_data(as_text=True)
    limit = f"You have sent {per_day} reports today, the most a Newcomer (level 0) can."
    assert limit in page and "Reach level 1 (10 points) for 10 a day." in page
    assert "Send to moderators" not in page
    assert "Try again in 24 hours." in page  # a day from the first report
    refused = newcomer.post(f"/flag/idea/{last.id}", data={"reason": "spam"}, headers=HX)
    assert refused.status_code == 200 and limit in refused.get_data(as_text=True)
    assert "Try again in 24 hours." in refused.get_data(as_text=True)
    assert _flags(db) == per_day  # nothing written
    # A member of a higher level has more: the same count leaves them room.
    give_points(newcomer.user, board.organisation, 10)
    assert newcomer.post(f"/flag/idea/{last.id}", data={"reason": "spam"}).status_code == 303
    assert _flags(db) == per_day + 1


def test_visitors_get_no_control_and_the_address_refuses_them(app, db, board, client):
    idea = make_idea(board)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Send to moderators" not in page and "report-idea" not in page
    answer = client.post(f"/flag/idea/{idea.id}", data={"reason": "spam"})
    assert answer.status_code in (302, 303) and "/login" in answer.location
    assert _flags(db) == 0


def test_an_unconfirmed_address_is_told_what_unlocks_reporting(app, db, board):
    unconfirmed = _client(app, make_user(verified=False))
    idea = make_idea(board)
    page = unconfirmed.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Confirm your email address (we sent you a link) to report posts." in page
    assert "Send to moderators" not in page
    answer = unconfirmed.post(f"/flag/idea/{idea.id}", data={"reason": "spam"}, headers=HX)
    assert "Confirm your email address to report posts." in answer.get_data(as_text=True)
    assert _flags(db) == 0


def test_what_a_member_may_not_see_is_404(app, db, newcomer):
    private = make_board(make_org(slug="secret"), slug="inner", private=True)
    idea = make_idea(private)
    comment = post_comment(private.organisation.memberships[0].user, idea, "Internal note")
    assert newcomer.post(f"/flag/idea/{idea.id}", data={"reason": "spam"}).status_code == 404
    assert newcomer.post(f"/flag/comment/{comment.id}", data={"reason": "spam"}).status_code == 404
    assert newcomer.post(f"/flag/board/{private.id}", data={"reason": "spam"}).status_code == 404
    assert newcomer.post("/flag/idea/999999", data={"reason": "spam"}).status_code == 404
    assert _flags(db) == 0


def test_without_javascript_a_refused_report_says_why_beside_its_control(app, db, board, newcomer):
    idea = make_idea(board)
    newcomer.post(f"/flag/idea/{idea.id}", data={"reason": "spam"})
    again = newcomer.post(f"/flag/idea/{idea.id}", data={"reason": "abuse"})
    assert again.status_code == 303 and again.headers["Location"].endswith(f"#report-idea-{idea.id}")
    html = newcomer.get(again.headers["Location"]).get_data(as_text=True)
    box = html[html.index(f'id="report-idea-{idea.id}"') :]
    assert box.split("</div>")[0].count("You reported this already; the moderators will take a look.") == 1
    assert "You reported this already" not in refusals.at_top(html)
