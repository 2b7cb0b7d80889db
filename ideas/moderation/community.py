"""Moderation by the community: trusted members vote to hide content (it waits for a moderator
once enough agree) and mark duplicates for a product manager to merge. Each action needs the
privilege the member's reputation unlocks (ideas.moderation.privileges)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotFound, ValidationFailed
from app.extensions import db
from ideas import policy
from ideas.models import Idea, Status, Visibility
from ideas.moderation import privileges
from ideas.moderation import services as moderation
from ideas.moderation.models import DuplicateSuggestion, HideVote

HIDE_VOTES_NEEDED = moderation.HIDE_VOTES_NEEDED


def _visible_target(user: User, target_type: str, target_id: int):
    target = moderation.load_target(target_type, target_id)
    idea = target if isinstance(target, Idea) else target.idea
    if not policy.can_participate(user, idea.board) or not policy.can_see_idea(user, idea):
        raise NotFound("That content no longer exists.")
    return target, idea.board


@writes
def vote_to_hide(
    user: User, target_type: str, target_id: int, needed: int = HIDE_VOTES_NEEDED, now: datetime | None = None
) -> bool:
    """Record the member's vote; True when it hid the content (votes and members' reports weigh
    together: ideas.moderation.services.hide_when_weighty). Raises
    NotAllowed (below the level), NotFound, ValidationFailed (own content) or Conflict (voted)."""
    target, board = _visible_target(user, target_type, target_id)
    privileges.require(user, board, privileges.VOTE_TO_HIDE)
    if target.author_id == user.id:
        raise ValidationFailed("You cannot vote to hide what you wrote.")
    if target.visibility != Visibility.VISIBLE:
        raise Conflict("This is already waiting for a moderator.")
    now = now or utcnow()
    try:
        with db.session.begin_nested():
            db.session.add(
                HideVote(
                    board_id=board.id, target_type=target_type, target_id=target_id, user_id=user.id, created_at=now
                )
            )
    except IntegrityError:
        db.session.rollback()
        raise Conflict("You voted to hide this already.") from None
    hidden = moderation.hide_when_weighty(user, target_type, target, board, needed)
    db.session.commit()
    audit.event("moderation.hide_vote", target_type=target_type, target_id=target_id, user_id=user.id, hidden=hidden)
    return hidden


@writes
def suggest_duplicate(user: User, idea: Idea, duplicate_of_id: int, now: datetime | None = None) -> DuplicateSuggestion:
    """Raises NotAllowed (below the level), ValidationFailed (no such idea here) or Conflict."""
    board = idea.board
    if not policy.can_participate(user, board) or not policy.can_see_idea(user, idea):
        raise NotFound("That idea no longer exists.")
    privileges.require(user, board, privileges.MARK_DUPLICATE)
    original = db.session.get(Idea, duplicate_of_id) if duplicate_of_id else None
    if (
        original is None
        or original.board_id != board.id
        or original.id == idea.id
        or not policy.can_see_idea(user, original)
    ):
        raise ValidationFailed(
            "Enter the number of another idea on this board.", {"duplicate_of_id": ["No such idea on this board."]}
        )
    if Status.MERGED in (idea.status, original.status):
        raise Conflict("One of these ideas was merged already.")
    suggestion = DuplicateSuggestion(
        board_id=board.id,
        idea_id=idea.id,
        duplicate_of_id=original.id,
        suggested_by_id=user.id,
        created_at=now or utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(suggestion)
    except IntegrityError:
        db.session.rollback()
        raise Conflict("You marked this idea as a duplicate already.") from None
    db.session.commit()
    audit.event("moderation.duplicate_suggested", idea_id=idea.id, duplicate_of_id=original.id, user_id=user.id)
    return suggestion


@dataclass
class DuplicateItem:
    idea: Idea
    original: Idea
    suggestions: list[DuplicateSuggestion]


def open_duplicates(board) -> list[DuplicateItem]:
    """Open suggestions grouped by (idea, original), the most suggested first."""
    rows = db.session.scalars(
        select(DuplicateSuggestion)
        .where(DuplicateSuggestion.board_id == board.id, DuplicateSuggestion.resolved_at.is_(None))
        .order_by(DuplicateSuggestion.created_at, DuplicateSuggestion.id)
    )
    grouped: dict[tuple[int, int], list[DuplicateSuggestion]] = {}
    for row in rows:
        grouped.setdefault((row.idea_id, row.duplicate_of_id), []).append(row)
    ideas = (
        {
            i.id: i
            for i in db.session.scalars(select(Idea).where(Idea.id.in_({key for pair in grouped for key in pair})))
        }
        if grouped
        else {}
    )
    items = [DuplicateItem(ideas[a], ideas[b], rows) for (a, b), rows in grouped.items() if a in ideas and b in ideas]
    return sorted(items, key=lambda item: -len(item.suggestions))


@writes
def dismiss_duplicate(pm: User, idea: Idea, duplicate_of_id: int, now: datetime | None = None) -> None:
    if not policy.can_moderate(pm, idea.board):
        raise NotFound("That idea no longer exists.")
    _resolve(idea.id, "dismissed", now, DuplicateSuggestion.duplicate_of_id == duplicate_of_id)
    moderation.log(idea.board_id, pm, "dismiss_duplicate", "idea", idea.id, f"#{duplicate_of_id}")
    db.session.commit()


def _resolve(idea_id: int, resolution: str, now: datetime | None, *where) -> None:
    db.session.execute(
        update(DuplicateSuggestion)
        .where(DuplicateSuggestion.idea_id == idea_id, DuplicateSuggestion.resolved_at.is_(None), *where)
        .values(resolved_at=now or utcnow(), resolution=resolution)
    )


@events.subscribe(events.IdeaMerged)
def _merged(event: events.IdeaMerged) -> None:
    """However the merge was reached, suggestions about the merged idea are settled."""
    _resolve(event.source_id, "merged", None)
