from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.clock import utcnow
from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from app.notifications.models import Notification
from ideas.models import Follow, IdeaRevision, Status, Visibility
from ideas.moderation.models import Flag
from ideas.services.comments import accept_comment, delete_comment, post_comment
from ideas.services.ideas import IdeaInput, delete_idea, edit_idea, submit_idea
from ideas.services.statuses import change_status
from tests.support.factories import add_member, make_board, make_idea, make_user, seasoned_user
from voting.services import cast_vote


def test_submitting_validates_and_the_author_follows(db):
    board = make_board(categories=("Reporting",))
    author = seasoned_user()
    with pytest.raises(ValidationFailed) as error:
        submit_idea(author, board, IdeaInput(title="short", tags=["a", "b", "c", "d", "e", "f"]))
    assert set(error.value.fields) == {"title", "tags"}
    idea = submit_idea(
        author,
        board,
        IdeaInput(
            title="Schedule reports by email",
            body="Weekly please",
            category_id=board.categories[0].id,
            tags=["Email", "reports", "email"],
        ),
    )
    assert [t.name for t in idea.tags] == ["email", "reports"]
    assert idea.follower_count == 1
    assert db.session.scalar(select(Follow).where(Follow.user_id == author.id)) is not None
    assert board.idea_count == 1


def test_category_of_another_board_is_refused(db):
    board, other = make_board(), make_board(categories=("Mobile",))
    with pytest.raises(ValidationFailed, match="categories"):
        submit_idea(seasoned_user(), board, IdeaInput(title="Something sensible", category_id=other.categories[0].id))


def test_spammy_post_from_a_brand_new_account_waits_for_a_moderator(db):
    board = make_board()
    newbie = make_user()  # created just now
    idea = submit_idea(
        newbie,
        board,
        IdeaInput(
            title="Great deals on casino bonuses today", body="visit https://spam.example and https://spam2.example"
        ),
    )
    assert idea.visibility == Visibility.PENDING
    assert board.idea_count == 0
    flag = db.session.scalar(select(Flag).where(Flag.target_id == idea.id))
    assert flag.reporter_id is None and "several links" in flag.note
    # The same text from an established account goes straight out.
    normal = submit_idea(
        seasoned_user(),
        board,
        IdeaInput(title="Link to our docs from the app", body="Like https://docs.example and https://help.example"),
    )
    assert normal.visibility == Visibility.VISIBLE


def test_author_edits_within_the_window_until_the_first_vote_and_history_is_kept(db):
    idea = make_idea(title="Dark mode for the dashboards")
    author = idea.author
    edit_idea(author, idea, IdeaInput(title="Dark mode for all dashboards", body="Easier at night"))
    revisions = db.session.scalars(select(IdeaRevision)).all()
    assert [r.title for r in revisions] == ["Dark mode for the dashboards"]
    cast_vote(seasoned_user(), idea, 1)
    with pytest.raises(NotAllowed, match="votes"):
        edit_idea(author, idea, IdeaInput(title="Dark mode everywhere please"))


def test_edit_window_closes_after_thirty_minutes_but_pms_can_always_edit(db):
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        idea = make_idea()
        clock.shift(timedelta(minutes=31))
        with pytest.raises(NotAllowed):
            edit_idea(idea.author, idea, IdeaInput(title="Too late to change this"))
        pm = idea.board.organisation.memberships[0].user
        edit_idea(pm, idea, IdeaInput(title="Clarified by the product team"))
    assert idea.title == "Clarified by the product team"


def test_delete_only_while_no_votes_or_comments(db):
    idea = make_idea()
    post_comment(seasoned_user(), idea, "I want this")
    with pytest.raises(Conflict):
        delete_idea(idea.author, idea)
    lonely = make_idea()
    with pytest.raises(NotAllowed):
        delete_idea(seasoned_user(), lonely)
    board = lonely.board
    delete_idea(lonely.author, lonely)
    assert board.idea_count == 0


def test_replies_stay_one_level_deep_and_notify_the_parent_author(db):
    idea = make_idea()
    first, second, third = seasoned_user(), seasoned_user(), seasoned_user()
    top = post_comment(first, idea, "Top-level")
    reply = post_comment(second, idea, "A reply", parent_id=top.id)
    reply_to_reply = post_comment(third, idea, "Reply to the reply", parent_id=reply.id)
    assert reply.parent_id == top.id and reply_to_reply.parent_id == top.id
    assert idea.comment_count == 3
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "comment.reply")).all()
    assert told == [first.id, first.id]


def test_deleting_a_comment_leaves_a_tombstone(db):
    idea = make_idea()
    author = seasoned_user()
    comment = post_comment(author, idea, "Oops")
    delete_comment(author, comment)
    assert comment.is_deleted and comment.body == "" and idea.comment_count == 0
    with pytest.raises(NotAllowed):
        delete_comment(seasoned_user(), post_comment(author, idea, "Mine"))


def test_only_pms_accept_answers(db):
    idea = make_idea()
    comment = post_comment(seasoned_user(), idea, "Use the CSV export meanwhile")
    with pytest.raises(NotAllowed):
        accept_comment(idea.author, comment)
    accept_comment(idea.board.organisation.memberships[0].user, comment)
    assert comment.accepted_at is not None


def test_status_changes_are_for_pms_recorded_and_told_to_followers_and_voters(db):
    idea = make_idea()
    pm = idea.board.organisation.memberships[0].user
    judge = add_member(idea.board.organisation, None, "judge")
    voter, follower = seasoned_user(), seasoned_user()
    cast_vote(voter, idea, 1)
    from ideas.services.follows import follow

    follow(follower, idea)
    with pytest.raises(NotAllowed):
        change_status(judge, idea, Status.PLANNED)
    with pytest.raises(ValidationFailed):
        change_status(pm, idea, "shipped")
    change_status(pm, idea, Status.PLANNED, "Planned for the spring release")
    assert idea.official_response == "Planned for the spring release"
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "idea.status")))
    assert told == {idea.author_id, voter.id, follower.id}
    change_status(pm, idea, Status.DELIVERED, "Shipped", release_note="Version 5 has it")
    assert idea.delivered_at is not None and idea.release_note == "Version 5 has it"
    assert not idea.voting_open
