"""Scenarios a code review found; each failed before its fix."""

import pytest
from sqlalchemy import delete, select

from app.errors_domain import Conflict, NotFound
from app.notifications.models import Notification
from ideas.models import BoardMember, Status, Vote
from ideas.moderation import services as moderation
from ideas.moderation.models import Flag
from ideas.services.comments import post_comment
from ideas.services.follows import follow
from ideas.services.ideas import delete_idea
from ideas.services.merging import merge_ideas
from ideas.services.statuses import change_status
from tests.support.factories import invite_to_board, make_board, make_idea, seasoned_user
from voting.services import cast_vote, record_proxy_vote, remaining_votes, retract_vote


def _pm(board):
    return board.organisation.memberships[0].user


def test_private_ideas_are_not_notified_to_customers_removed_from_the_board(db):
    board = make_board(private=True)
    idea = make_idea(board, title="Secret acquisition of Globex")
    customer = seasoned_user()
    invite_to_board(board, customer)
    follow(customer, idea)
    db.session.execute(delete(BoardMember).where(BoardMember.email == customer.email))
    db.session.commit()
    change_status(_pm(board), idea, Status.PLANNED, "Yes")
    told = db.session.scalars(select(Notification.user_id)).all()
    assert customer.id not in told and idea.author_id in told


def test_proxy_vote_on_a_private_board_for_a_new_customer_works(db):
    board = make_board(private=True)
    idea = make_idea(board)
    record_proxy_vote(
        _pm(board),
        idea,
        "fresh@client.example.com",
        "Email",
        new_customer=True,
        confirm_email="fresh@client.example.com",
    )
    assert idea.score == 1
    assert db.session.scalar(select(BoardMember.id).where(BoardMember.email == "fresh@client.example.com")) is None


def test_proxy_vote_on_a_closed_idea_creates_no_account(db):
    from app.auth.models import User

    idea = make_idea()
    change_status(_pm(idea.board), idea, Status.DECLINED, "No")
    with pytest.raises(Conflict):
        record_proxy_vote(
            _pm(idea.board),
            idea,
            "nobody-yet@client.example.com",
            new_customer=True,
            confirm_email="nobody-yet@client.example.com",
        )
    assert db.session.scalar(select(User).where(User.email == "nobody-yet@client.example.com")) is None


def test_hiding_an_idea_returns_its_votes_to_their_budgets(db):
    board = make_board(budget=1)
    hidden, other = make_idea(board), make_idea(board)
    voter = seasoned_user()
    cast_vote(voter, hidden, 1)
    moderation.hide(_pm(board), "idea", hidden.id)
    assert remaining_votes(voter, board) == 1
    cast_vote(voter, other, 1)
    moderation.restore(_pm(board), "idea", hidden.id)
    assert remaining_votes(voter, board) == 0  # back over: nobody loses a vote they cast
    retract_vote(voter, other)
    assert remaining_votes(voter, board) == 0


def test_deleting_an_idea_takes_its_flags_out_of_the_queue(db):
    idea = make_idea()
    flagger = seasoned_user()
    moderation.flag(flagger, "idea", idea.id, "spam")
    board = idea.board
    delete_idea(idea.author, idea)
    assert db.session.scalar(select(Flag.id)) is None and moderation.queue(board) == []


def test_no_replies_to_a_hidden_comment(db):
    idea = make_idea()
    hidden = post_comment(seasoned_user(), idea, "Rude")
    moderation.hide(_pm(idea.board), "comment", hidden.id)
    with pytest.raises(NotFound):
        post_comment(seasoned_user(), idea, "Replying anyway", parent_id=hidden.id)


def test_merged_ideas_take_no_comments_follows_or_deletion(db):
    board = make_board()
    keep, duplicate = make_idea(board), make_idea(board)
    merge_ideas(_pm(board), duplicate, keep)
    with pytest.raises(Conflict):
        post_comment(seasoned_user(), duplicate, "Late comment")
    with pytest.raises(Conflict):
        follow(seasoned_user(), duplicate)
    with pytest.raises(Conflict):
        delete_idea(duplicate.author, duplicate)
    assert duplicate.comment_count == 0


def test_votes_wait_until_a_held_idea_is_approved(db):
    from ideas.services.ideas import IdeaInput, submit_idea
    from tests.support.factories import make_user
    from voting.services import VotingClosed

    board = make_board()
    author = make_user()
    idea = submit_idea(author, board, IdeaInput(title="See https://a.example and https://b.example"))
    with pytest.raises(VotingClosed):
        cast_vote(author, idea, 1)
    assert db.session.scalar(select(Vote.id)) is None
