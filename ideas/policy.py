"""Who may see and do what on a board: the one place these checks live.

A private board, and everything in it, answers 404 to anyone who may not see it.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import bindparam, select, union

from app.auth.models import User
from app.extensions import db
from app.orgs import policy as org_policy
from ideas import statements
from ideas.models import Board, BoardBlock, BoardMember, Comment, Idea, Visibility


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_manage(user: User | None, board: Board) -> bool:
    """Product managers (and admins) of the board's organisation, and site administrators."""
    return org_policy.has_role(user, board.organisation, "pm")


def can_moderate(user: User | None, board: Board) -> bool:
    return can_manage(user, board)


def can_view(user: User | None, board: Board) -> bool:
    if not board.is_private:
        return True
    if not _signed_in(user):
        return False
    if org_policy.is_member(user, board.organisation):
        return True
    # Invited customers, once they have confirmed the invited address is theirs.
    return (
        user.email_verified
        and db.session.scalar(
            select(BoardMember.id).where(BoardMember.board_id == board.id, BoardMember.email == user.email)
        )
        is not None
    )


# Asked on every vote: built once, on the table, and run without the ORM's per-statement work.
_blocks = BoardBlock.__table__
_BLOCK = select(_blocks.c.id).where(
    _blocks.c.board_id == bindparam("board_id"), _blocks.c.user_id == bindparam("user_id")
)


def is_blocked(user: User | None, board: Board) -> bool:
    if not _signed_in(user):
        return False
    found = db.session.connection().execute(_BLOCK, {"board_id": board.id, "user_id": user.id}).first()
    return found is not None


def can_participate(user: User | None, board: Board) -> bool:
    """Post, comment, vote and follow."""
    return _signed_in(user) and can_view(user, board) and not is_blocked(user, board)


def can_see_idea(user: User | None, idea: Idea) -> bool:
    if not can_view(user, idea.board):
        return False
    if idea.visibility == Visibility.VISIBLE:
        return True
    # Content waiting for (or removed by) a moderator: its author and the moderators.
    return _signed_in(user) and (idea.author_id == user.id or can_moderate(user, idea.board))


def require_view(user: User | None, board: Board) -> None:
    if not can_view(user, board):
        abort(404)


def require_manage(user: User | None, board: Board) -> None:
    require_view(user, board)
    if not can_manage(user, board):
        if org_policy.is_member(user, board.organisation):
            abort(403, "Only the organisation's product managers can do that.")
        abort(404)


def visible_board_ids(user: User | None):
    """A SELECT of the ids of every board `user` may see (for search and feeds across boards)."""
    from app.orgs.models import Membership

    public = select(Board.id).where(Board.is_private.is_(False))
    if not _signed_in(user):
        return public
    if user.is_site_admin:
        return select(Board.id)
    parts = [
        public,
        select(Board.id)
        .join(Membership, Membership.organisation_id == Board.organisation_id)
        .where(Membership.user_id == user.id),
    ]
    if user.email_verified:
        parts.append(select(BoardMember.board_id).where(BoardMember.email == user.email))
    return union(*parts)


# -- what a path names, for the routes: 404 for what the viewer may not see -------------------------


def board_or_404(user: User, org_slug: str, board_slug: str) -> Board:
    board = statements.board_by_slugs(org_slug, board_slug)
    if board is None or not can_view(user, board):
        abort(404)
    return board


def idea_or_404(user: User, idea_id: int) -> Idea:
    idea = db.session.get(Idea, idea_id)
    if idea is None or not can_see_idea(user, idea):
        abort(404)
    return idea


def managed_idea_or_404(user: User, idea_id: int) -> Idea:
    """The idea, for its board's product managers only: 404 for everyone else, members of the
    organisation included (for pages that exist only for managing, such as finding a merge target)."""
    idea = idea_or_404(user, idea_id)
    if not can_manage(user, idea.board):
        abort(404)
    return idea


def comment_or_404(user: User, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or not can_see_idea(user, comment.idea):
        abort(404)
    return comment
