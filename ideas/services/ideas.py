"""Submitting, editing and deleting ideas; tags; the edit history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, exists, select, update

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from ideas import policy, ranking
from ideas.models import Board, Comment, Follow, Idea, IdeaRevision, IdeaTag, Status, Visibility, Vote
from ideas.moderation.services import forget_flags, hold_for_review, moderation_state
from ideas.tags import board_tags, check_filing, parse_tags, within_edit_window

TITLE_MIN, TITLE_MAX, BODY_MAX = 8, 160, 20_000


@dataclass
class IdeaInput:
    title: str
    body: str = ""
    category_id: int | None = None
    tags: list[str] = field(default_factory=list)


def _clean(board: Board, data: IdeaInput) -> IdeaInput:
    """Raises ValidationFailed naming every field at fault."""
    errors: dict[str, list[str]] = {}
    title = " ".join((data.title or "").split())
    body = (data.body or "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = [f"The title needs {TITLE_MIN} to {TITLE_MAX} characters."]
    if len(body) > BODY_MAX:
        errors["body"] = [f"The description can be at most {BODY_MAX:,} characters."]
    category_id, tags = check_filing(board.id, data.category_id, data.tags, errors)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)
    return IdeaInput(title, body, category_id, tags)


def check_idea(board: Board, data: IdeaInput) -> IdeaInput:
    """The idea's fields cleaned, or ValidationFailed naming every field at fault (for forms that
    show all their errors at once)."""
    return _clean(board, data)


def _set_tags(idea: Idea, names: list[str]) -> None:
    idea.tags = board_tags(idea.board_id, names)


@writes
def submit_idea(author: User, board: Board, data: IdeaInput, now: datetime | None = None) -> Idea:
    """A new idea, followed by its author. From a brand-new account, one that looks like spam
    waits in the moderation queue. Raises NotAllowed or ValidationFailed."""
    if not policy.can_participate(author, board):
        raise NotAllowed("You cannot post on this board.")
    now = now or utcnow()
    data = _clean(board, data)
    visibility, reason = moderation_state(author, f"{data.title} {data.body}", now)
    idea = Idea(
        board_id=board.id,
        author_id=author.id,
        title=data.title,
        body=data.body,
        category_id=data.category_id,
        visibility=visibility,
        created_at=now,
        last_activity_at=now,
        follower_count=1,
        hot_rank=ranking.hot(0, now),
    )
    db.session.add(idea)
    db.session.flush()
    _set_tags(idea, data.tags)
    db.session.add(Follow(idea_id=idea.id, user_id=author.id))
    if visibility == Visibility.VISIBLE:
        db.session.execute(update(Board).where(Board.id == board.id).values(idea_count=Board.idea_count + 1))
    else:
        hold_for_review(board, "idea", idea.id, reason)
    events.publish(events.IdeaSubmitted(idea.id, author.id))
    db.session.commit()
    audit.event("idea.submitted", idea_id=idea.id, board_id=board.id, user_id=author.id, visibility=visibility)
    return idea


def has_votes(idea: Idea) -> bool:
    return db.session.scalar(select(exists().where(Vote.idea_id == idea.id)))


def can_edit(user: User | None, idea: Idea, now: datetime | None = None) -> bool:
    """Product managers always; the author within the edit window and until the first vote."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if policy.can_manage(user, idea.board):
        return True
    if idea.author_id != user.id or policy.is_blocked(user, idea.board):
        return False
    return within_edit_window(idea.created_at, now) and not has_votes(idea)


@writes
def edit_idea(editor: User, idea: Idea, data: IdeaInput, now: datetime | None = None) -> Idea:
    """Keeps the previous text in the history. Raises NotAllowed or ValidationFailed."""
    now = now or utcnow()
    if not can_edit(editor, idea, now):
        raise NotAllowed("This idea can no longer be edited: the edit window has closed or it has votes.")
    data = _clean(idea.board, data)
    if (data.title, data.body) != (idea.title, idea.body):
        db.session.add(
            IdeaRevision(idea_id=idea.id, editor_id=editor.id, title=idea.title, body=idea.body, created_at=now)
        )
        idea.title, idea.body, idea.edited_at = data.title, data.body, now
    idea.category_id = data.category_id
    _set_tags(idea, data.tags)
    db.session.commit()
    audit.event("idea.edited", idea_id=idea.id, user_id=editor.id)
    return idea


@writes
def retag_idea(editor: User, idea: Idea, category_id: int | None, tags, now: datetime | None = None) -> Idea:
    """Change only the category and tags: what the idea's editors may always do, and trusted
    members of the community (ideas.moderation.privileges) on others' ideas. Raises NotAllowed
    (with the level it takes) or ValidationFailed."""
    from ideas.moderation import privileges

    if not can_edit(editor, idea, now):
        if not policy.can_participate(editor, idea.board):
            raise NotAllowed("You cannot change ideas on this board.")
        privileges.require(editor, idea.board, privileges.EDIT_TAGS)
    data = _clean(idea.board, IdeaInput(idea.title, idea.body, category_id, parse_tags(tags)))
    idea.category_id = data.category_id
    _set_tags(idea, data.tags)
    db.session.commit()
    audit.event("idea.retagged", idea_id=idea.id, user_id=editor.id)
    return idea


def revisions(idea: Idea) -> list[IdeaRevision]:
    return list(
        db.session.scalars(
            select(IdeaRevision)
            .where(IdeaRevision.idea_id == idea.id)
            .order_by(IdeaRevision.created_at.desc(), IdeaRevision.id.desc())
        )
    )


@writes
def delete_idea(user: User, idea: Idea) -> None:
    """Authors may delete their idea while nobody has voted or commented on it."""
    if idea.author_id != user.id and not policy.can_manage(user, idea.board):
        raise NotAllowed("Only the author can delete this idea.")
    has_comments = db.session.scalar(select(exists().where(Comment.idea_id == idea.id)))
    if has_votes(idea) or has_comments:
        raise Conflict("This idea has votes or comments, so it stays; you can still edit it for a while.")
    if idea.status == Status.MERGED or db.session.scalar(select(exists().where(Idea.merged_into_id == idea.id))):
        raise Conflict("Merged ideas stay, so the merge can be undone and links keep working.")
    board_id, was_visible = idea.board_id, idea.visibility == Visibility.VISIBLE
    forget_flags("idea", [idea.id])
    db.session.execute(delete(IdeaTag).where(IdeaTag.idea_id == idea.id))
    db.session.delete(idea)
    if was_visible:
        db.session.execute(update(Board).where(Board.id == board_id).values(idea_count=Board.idea_count - 1))
    db.session.commit()
    audit.event("idea.deleted", board_id=board_id, user_id=user.id)
