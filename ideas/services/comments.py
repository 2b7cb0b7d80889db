"""Comments: Markdown, replies one level deep, an edit window, tombstones, accepted answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from ideas import counters, policy, ranking
from ideas.models import Comment, Idea, Status, Visibility
from ideas.moderation.services import hold_for_review, moderation_state
from ideas.services.follows import follow
from ideas.tags import within_edit_window

BODY_MAX = 10_000


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationFailed("Write a comment first.", {"body": ["Write something."]})
    if len(body) > BODY_MAX:
        raise ValidationFailed(
            f"A comment can be at most {BODY_MAX:,} characters.", {"body": [f"At most {BODY_MAX:,} characters."]}
        )
    return body


def bump_comment_count(idea_id: int, delta: int, now: datetime) -> None:
    db.session.execute(update(Idea).where(Idea.id == idea_id).values(comment_count=Idea.comment_count + delta))
    if delta > 0:
        counters.add_activity(idea_id, ranking.TRENDING_COMMENT_WEIGHT)


@writes
def post_comment(
    author: User, idea: Idea, body: str, parent_id: int | None = None, now: datetime | None = None
) -> Comment:
    """The author follows the idea from then on. Raises NotAllowed, NotFound or ValidationFailed."""
    now = now or utcnow()
    if not policy.can_participate(author, idea.board) or not policy.can_see_idea(author, idea):
        raise NotAllowed("You cannot comment on this board.")
    if idea.status == Status.MERGED:
        raise Conflict(f"This idea was merged into #{idea.merged_into_id}; comment there.")
    body = _clean_body(body)
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        seen = parent is not None and (
            parent.visibility == Visibility.VISIBLE
            or parent.author_id == author.id
            or policy.can_moderate(author, idea.board)
        )
        if not seen or parent.idea_id != idea.id or parent.is_deleted:
            raise NotFound("The comment you reply to no longer exists.")
        # Replies stay one level deep: answering a reply joins its thread.
        parent_id = parent.parent_id or parent.id
    visibility, reason = moderation_state(author, body, now)
    comment = Comment(
        idea_id=idea.id, author_id=author.id, parent_id=parent_id, body=body, visibility=visibility, created_at=now
    )
    db.session.add(comment)
    db.session.flush()
    if visibility == Visibility.VISIBLE:
        bump_comment_count(idea.id, +1, now)
    else:
        hold_for_review(idea.board, "comment", comment.id, reason)
    follow(author, idea, commit=False)
    events.publish(events.CommentPosted(comment.id, idea.id, parent_id, author.id))
    db.session.commit()
    audit.event("comment.posted", comment_id=comment.id, idea_id=idea.id, user_id=author.id)
    return comment


def can_edit_comment(user: User | None, comment: Comment, now: datetime | None = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or comment.is_deleted:
        return False
    if policy.can_moderate(user, comment.idea.board):
        return True
    return comment.author_id == user.id and within_edit_window(comment.created_at, now)


@writes
def edit_comment(user: User, comment: Comment, body: str, now: datetime | None = None) -> Comment:
    now = now or utcnow()
    if not can_edit_comment(user, comment, now):
        raise NotAllowed("This comment can no longer be edited.")
    comment.body = _clean_body(body)
    comment.edited_at = now
    db.session.commit()
    return comment


@writes
def delete_comment(user: User, comment: Comment, now: datetime | None = None) -> None:
    """A tombstone: the text goes, the place in the thread (and its replies) stays."""
    if comment.is_deleted:
        db.session.commit()  # ends the write transaction: nothing to do
        return
    if comment.author_id != user.id and not policy.can_moderate(user, comment.idea.board):
        raise NotAllowed("Only the author or a moderator can delete this comment.")
    now = now or utcnow()
    was_counted = comment.visibility == Visibility.VISIBLE
    comment.deleted_at = now
    comment.body = ""
    if was_counted:
        bump_comment_count(comment.idea_id, -1, now)
    db.session.commit()
    audit.event("comment.deleted", comment_id=comment.id, user_id=user.id)


@writes
def accept_comment(pm: User, comment: Comment, accepted: bool = True, now: datetime | None = None) -> None:
    """A product manager marks a comment as the accepted answer (or takes the mark back)."""
    if not policy.can_manage(pm, comment.idea.board):
        raise NotAllowed("Only product managers can accept answers.")
    if comment.is_deleted:
        raise NotFound("That comment was deleted.")
    if accepted and comment.accepted_at is None:
        comment.accepted_at, comment.accepted_by_id = now or utcnow(), pm.id
        events.publish(events.CommentAccepted(comment.id, pm.id))
    elif not accepted:
        comment.accepted_at, comment.accepted_by_id = None, None
    db.session.commit()


def thread(idea: Idea, viewer: User | None) -> list[tuple[Comment, list[Comment]]]:
    """Top-level comments, oldest first, each with its replies. Pending or hidden comments show
    only to their author and the moderators."""
    moderator = policy.can_moderate(viewer, idea.board)
    viewer_id = viewer.id if viewer is not None and getattr(viewer, "is_authenticated", False) else None
    from sqlalchemy.orm import selectinload

    rows = db.session.scalars(
        select(Comment)
        .where(Comment.idea_id == idea.id)
        .options(selectinload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    )
    visible = [c for c in rows if c.visibility == Visibility.VISIBLE or moderator or c.author_id == viewer_id]
    replies: dict[int, list[Comment]] = {}
    for comment in visible:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    return [(c, replies.get(c.id, [])) for c in visible if c.parent_id is None]
