import pytest
from sqlalchemy import select

from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from ideas.counters import verify
from ideas.models import Comment, Follow, Status, Vote
from ideas.services.comments import post_comment
from ideas.services.merging import merge_ideas, undo_merge, undoable_merge
from tests.support.factories import make_board, make_idea, seasoned_user
from voting.services import cast_vote, remaining_votes


@pytest.fixture
def pair(db):
    board = make_board()
    keep = make_idea(board, title="Export dashboards to PDF")
    duplicate = make_idea(board, title="PDF export for dashboards")
    return board, keep, duplicate


def _pm(board):
    return board.organisation.memberships[0].user


def test_voters_move_without_double_counting(db, pair):
    board, keep, duplicate = pair
    both, only_dup, only_keep = seasoned_user(), seasoned_user(), seasoned_user()
    for user in (both, only_keep):
        cast_vote(user, keep, 1)
    for user in (both, only_dup):
        cast_vote(user, duplicate, 1)

    merge_ideas(_pm(board), duplicate, keep)

    voters = set(db.session.scalars(select(Vote.user_id).where(Vote.idea_id == keep.id)))
    assert voters == {both.id, only_dup.id, only_keep.id}
    assert (keep.upvotes, keep.score) == (3, 3)
    assert (duplicate.upvotes, duplicate.status, duplicate.merged_into_id) == (0, Status.MERGED, keep.id)
    assert verify() == []


def test_comments_and_followers_move_and_the_source_closes(db, pair):
    board, keep, duplicate = pair
    commenter = seasoned_user()
    post_comment(commenter, duplicate, "Needed for board meetings")
    merge_ideas(_pm(board), duplicate, keep)
    moved = db.session.scalar(select(Comment).where(Comment.author_id == commenter.id))
    assert moved.idea_id == keep.id and moved.moved_from_idea_id == duplicate.id
    assert keep.comment_count == 1 and duplicate.comment_count == 0
    followers = set(db.session.scalars(select(Follow.user_id).where(Follow.idea_id == keep.id)))
    assert {commenter.id, duplicate.author_id, keep.author_id} <= followers
    assert not duplicate.voting_open


def test_merge_rules(db, pair):
    board, keep, duplicate = pair
    with pytest.raises(NotAllowed):
        merge_ideas(keep.author, duplicate, keep)
    with pytest.raises(ValidationFailed):
        merge_ideas(_pm(board), keep, keep)
    elsewhere = make_idea(make_board(board.organisation))
    with pytest.raises(ValidationFailed, match="same board"):
        merge_ideas(_pm(board), duplicate, elsewhere)
    merge_ideas(_pm(board), duplicate, keep)
    with pytest.raises(Conflict):
        merge_ideas(_pm(board), duplicate, keep)
    with pytest.raises(Conflict, match="itself merged"):
        merge_ideas(_pm(board), make_idea(board), duplicate)


def test_undo_restores_votes_comments_and_status(db, pair):
    board, keep, duplicate = pair
    both, only_dup = seasoned_user(), seasoned_user()
    cast_vote(both, keep, 1)
    cast_vote(both, duplicate, 1)
    cast_vote(only_dup, duplicate, 1)
    post_comment(only_dup, duplicate, "Please")
    merge_ideas(_pm(board), duplicate, keep)

    undo_merge(_pm(board), undoable_merge(duplicate))

    assert duplicate.status == Status.OPEN and duplicate.merged_into_id is None
    assert set(db.session.scalars(select(Vote.user_id).where(Vote.idea_id == duplicate.id))) == {both.id, only_dup.id}
    assert (keep.upvotes, duplicate.upvotes, duplicate.comment_count) == (1, 2, 1)
    assert verify() == []
    assert undoable_merge(duplicate) is None


def test_a_dropped_duplicate_vote_goes_back_to_the_budget(db):
    board = make_board(budget=3)
    keep, duplicate = make_idea(board), make_idea(board)
    voter = seasoned_user()
    cast_vote(voter, keep, 1)
    cast_vote(voter, duplicate, 1)
    assert remaining_votes(voter, board) == 1
    merge_ideas(_pm(board), duplicate, keep)
    assert remaining_votes(voter, board) == 2


def test_a_vote_moved_from_a_declined_idea_to_an_open_one_is_charged_again(db):
    """Found by the voting state machine: a declined idea's votes were back in their budgets;
    merged into an open idea they are active again and must count."""
    from ideas.services.statuses import change_status

    board = make_board(budget=2)
    declined, keep = make_idea(board), make_idea(board)
    voter = seasoned_user()
    cast_vote(voter, declined, 1)
    change_status(_pm(board), declined, Status.DECLINED, "No")
    assert remaining_votes(voter, board) == 2
    merge_ideas(_pm(board), declined, keep)
    assert remaining_votes(voter, board) == 1
