import pytest
from sqlalchemy import select

from ideas.models import Visibility
from ideas.moderation.models import Flag, ModerationLog
from ideas.services.comments import post_comment
from ideas.services.ideas import IdeaInput, submit_idea
from tests.support.factories import login, make_board, make_idea, make_org, make_user, seasoned_user


@pytest.fixture
def setup(app, db):
    board = make_board(make_org(slug="acme"), slug="dash")
    pm = app.test_client()
    login(pm, board.organisation.memberships[0].user)
    member = app.test_client()
    member.user = seasoned_user()
    login(member, member.user)
    return board, pm, member


def test_members_flag_once_and_moderators_see_the_queue(setup, db):
    board, pm, member = setup
    idea = make_idea(board, title="Buy cheap followers now please")
    assert member.post(f"/flag/idea/{idea.id}", data={"reason": "spam", "note": "advert"}).status_code == 303
    member.post(f"/flag/idea/{idea.id}", data={"reason": "spam"})
    assert db.session.query(Flag).count() == 1
    assert member.get("/boards/acme/dash/moderation").status_code == 404
    queue = pm.get("/boards/acme/dash/moderation").get_data(as_text=True)
    assert "Buy cheap followers now please" in queue and "advert" in queue


def test_hiding_removes_content_from_lists_and_restoring_brings_it_back(setup, client, db):
    board, pm, member = setup
    idea = make_idea(board, title="Something rude in here")
    member.post(f"/flag/idea/{idea.id}", data={"reason": "abuse"})
    pm.post(f"/boards/acme/dash/moderation/hide/idea/{idea.id}")
    assert idea.visibility == Visibility.HIDDEN and board.idea_count == 0
    assert "Something rude" not in client.get("/boards/acme/dash").get_data(as_text=True)
    assert client.get(f"/ideas/{idea.id}").status_code == 404
    assert idea.author_id and db.session.scalar(select(Flag.resolution)) == "hidden"
    pm.post(f"/boards/acme/dash/moderation/restore/idea/{idea.id}")
    assert idea.visibility == Visibility.VISIBLE and board.idea_count == 1
    actions = db.session.scalars(select(ModerationLog.action).order_by(ModerationLog.id)).all()
    assert actions == ["hide", "restore"]


def test_hidden_comment_leaves_the_count(setup, db):
    board, pm, member = setup
    idea = make_idea(board)
    comment = post_comment(member.user, idea, "Rude words")
    pm.post(f"/boards/acme/dash/moderation/hide/comment/{comment.id}")
    assert idea.comment_count == 0
    assert "Rude words" not in member.application.test_client().get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_held_spam_is_approved_from_the_queue(setup, app, db):
    board, pm, _ = setup
    newbie = make_user()
    idea = submit_idea(newbie, board, IdeaInput(title="Check out https://x.example now", body="https://y.example"))
    author = app.test_client()
    login(author, newbie)
    assert "waits for a moderator" in author.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert app.test_client().get(f"/ideas/{idea.id}").status_code == 404
    assert "Held by the spam filter" in pm.get("/boards/acme/dash/moderation").get_data(as_text=True)
    pm.post(f"/boards/acme/dash/moderation/restore/idea/{idea.id}")
    assert app.test_client().get(f"/ideas/{idea.id}").status_code == 200


def test_blocked_members_cannot_post_comment_or_vote(setup, db):
    board, pm, member = setup
    idea = make_idea(board)
    pm.post("/boards/acme/dash/blocks", data={"user_id": member.user.id, "reason": "trolling"})
    assert member.get("/boards/acme/dash/new").status_code == 403
    member.post(f"/ideas/{idea.id}/comments", data={"body": "let me in"})
    member.post(f"/ideas/{idea.id}/vote", data={"value": "1"})
    assert idea.comment_count == 0 and idea.score == 0
    pm.post(f"/boards/acme/dash/blocks/{member.user.id}/delete")
    member.post(f"/ideas/{idea.id}/vote", data={"value": "1"})
    assert idea.score == 1


def test_moderation_actions_need_a_moderator_and_the_right_board(setup, db):
    board, pm, member = setup
    idea = make_idea(board)
    assert member.post(f"/boards/acme/dash/moderation/hide/idea/{idea.id}").status_code == 404
    other = make_idea(make_board(make_org(slug="other"), slug="x"))
    assert pm.post(f"/boards/acme/dash/moderation/hide/idea/{other.id}").status_code == 404
    assert idea.visibility == other.visibility == Visibility.VISIBLE
