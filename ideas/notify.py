"""Who hears about what happens to an idea. Subscribed to the domain events in app.events."""

from __future__ import annotations

from sqlalchemy import select

from app import events
from app.auth.models import User
from app.extensions import db
from app.notifications.services import notify
from app.urls import path_for
from ideas import policy
from ideas.models import Comment, Idea, Status, Visibility, Vote
from ideas.services.follows import follower_ids


def _audience(idea_id: int) -> set[int]:
    """Followers and voters of an idea who may still see it."""
    voters = db.session.scalars(select(Vote.user_id).where(Vote.idea_id == idea_id))
    return _who_can_see(set(follower_ids(idea_id)) | set(voters), db.session.get(Idea, idea_id))


def _who_can_see(user_ids, idea: Idea) -> set[int]:
    """Never tell someone about what they may no longer see (a private board they left)."""
    ids = {uid for uid in user_ids if uid}
    if not ids or (not idea.board.is_private and idea.visibility == Visibility.VISIBLE):
        return ids
    users = db.session.scalars(select(User).where(User.id.in_(ids)))
    return {user.id for user in users if policy.can_see_idea(user, idea)}


def _link(idea_id: int, anchor: str = "") -> str:
    return path_for("ideas.show", idea_id=idea_id) + (f"#{anchor}" if anchor else "")


@events.subscribe(events.IdeaStatusChanged)
def status_changed(event: events.IdeaStatusChanged) -> None:
    idea = db.session.get(Idea, event.idea_id)
    label = Status.LABELS[event.to_status]
    if event.from_status == event.to_status:
        text = f"Official response on “{idea.title}”"
    else:
        text = f"“{idea.title}” is now {label}" + (" with an official response" if event.message else "")
    notify(_audience(idea.id), "idea.status", text, _link(idea.id, "response"), event.actor_id)


@events.subscribe(events.IdeaMerged)
def merged(event: events.IdeaMerged) -> None:
    source, target = db.session.get(Idea, event.source_id), db.session.get(Idea, event.target_id)
    # The source's audience moved to the target already; tell them where their vote went.
    notify(
        _audience(target.id),
        "idea.merged",
        f"“{source.title}” was merged into “{target.title}”",
        _link(target.id),
        event.actor_id,
    )


@events.subscribe(events.CommentPosted)
def comment_posted(event: events.CommentPosted) -> None:
    if event.parent_id is None:
        return
    parent_author = db.session.scalar(select(Comment.author_id).where(Comment.id == event.parent_id))
    idea_title = db.session.scalar(select(Idea.title).where(Idea.id == event.idea_id))
    notify(
        _who_can_see([parent_author], db.session.get(Idea, event.idea_id)),
        "comment.reply",
        f"New reply to your comment on “{idea_title}”",
        _link(event.idea_id, f"comment-{event.comment_id}"),
        event.actor_id,
    )


@events.subscribe(events.CommentAccepted)
def comment_accepted(event: events.CommentAccepted) -> None:
    comment = db.session.get(Comment, event.comment_id)
    notify(
        _who_can_see([comment.author_id], comment.idea),
        "comment.accepted",
        f"Your comment on “{comment.idea.title}” was accepted as the answer",
        _link(comment.idea_id, f"comment-{comment.id}"),
        event.actor_id,
    )
