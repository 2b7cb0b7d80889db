"""Merging a duplicate idea into another, and undoing it for a while.

The source's voters become the target's voters without double counting (a member who voted
on both keeps the target vote), its followers and comments move over, and both ideas' counters
are recomputed from the tables, all in one transaction holding both ideas' row locks.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from ideas import counters, policy
from ideas.models import Comment, Follow, Idea, IdeaMerge, Status, StatusChange, Visibility, Vote
from ideas.services import listing

UNDO_WINDOW = timedelta(days=7)
CANDIDATES = 8  # ideas the merge picker offers at once


def _lock(*idea_ids: int) -> dict[int, Idea]:
    """Both ideas, locked in id order (so two merges cannot deadlock) where the database can."""
    rows = db.session.scalars(select(Idea).where(Idea.id.in_(idea_ids)).order_by(Idea.id).with_for_update())
    return {idea.id: idea for idea in rows}


@writes
def merge_ideas(pm: User, source: Idea, target: Idea, now: datetime | None = None) -> IdeaMerge:
    """Raises NotAllowed (not a PM), ValidationFailed (same idea, other board) or Conflict."""
    now = now or utcnow()
    source_id, target_id = source.id, target.id
    ideas = _lock(source_id, target_id)
    source, target = ideas.get(source_id), ideas.get(target_id)
    if source is None or target is None:
        raise ValidationFailed("Choose an idea to merge into.", {"target_id": ["No such idea."]})
    if not policy.can_manage(pm, source.board):
        raise NotAllowed("Only the organisation's product managers can merge ideas.")
    if source_id == target_id:
        raise ValidationFailed("An idea cannot be merged into itself.", {"target_id": ["Choose another idea."]})
    if source.board_id != target.board_id:
        raise ValidationFailed("Both ideas must be on the same board.", {"target_id": ["Another board."]})
    if source.status == Status.MERGED:
        raise Conflict("This idea was merged already.")
    if target.status == Status.MERGED:
        raise Conflict("That idea was itself merged; merge into the idea it points to.")

    target_voters = select(Vote.user_id).where(Vote.idea_id == target_id)
    dropped = [
        dict(
            user_id=v.user_id,
            value=v.value,
            created_at=v.created_at.isoformat(),
            proxy_by_id=v.proxy_by_id,
            proxy_note=v.proxy_note,
        )
        for v in db.session.scalars(select(Vote).where(Vote.idea_id == source_id, Vote.user_id.in_(target_voters)))
    ]
    db.session.execute(delete(Vote).where(Vote.idea_id == source_id, Vote.user_id.in_(target_voters)))
    moved_votes = list(db.session.scalars(select(Vote.id).where(Vote.idea_id == source_id)))
    try:
        db.session.execute(update(Vote).where(Vote.idea_id == source_id).values(idea_id=target_id))
    except IntegrityError:
        raise Conflict("Someone voted while the ideas were being merged; please try again.") from None

    target_followers = select(Follow.user_id).where(Follow.idea_id == target_id)
    moved_follows = list(
        db.session.scalars(
            select(Follow.id).where(Follow.idea_id == source_id, Follow.user_id.not_in(target_followers))
        )
    )
    db.session.execute(update(Follow).where(Follow.id.in_(moved_follows)).values(idea_id=target_id))
    moved_comments = list(db.session.scalars(select(Comment.id).where(Comment.idea_id == source_id)))
    db.session.execute(
        update(Comment).where(Comment.id.in_(moved_comments)).values(idea_id=target_id, moved_from_idea_id=source_id)
    )

    merge = IdeaMerge(
        source_id=source_id,
        target_id=target_id,
        merged_by_id=pm.id,
        source_status=source.status,
        moved_votes=json.dumps(moved_votes),
        dropped_votes=json.dumps(dropped),
        moved_follows=json.dumps(moved_follows),
        moved_comments=json.dumps(moved_comments),
        created_at=now,
    )
    db.session.add(merge)
    db.session.add(
        StatusChange(
            idea_id=source_id,
            from_status=source.status,
            to_status=Status.MERGED,
            message=f"Merged into #{target_id}: {target.title}",
            changed_by_id=pm.id,
            created_at=now,
        )
    )
    source.status, source.status_changed_at, source.merged_into_id = Status.MERGED, now, target_id
    target.last_activity_at = now
    counters.recompute_idea(source_id)
    counters.recompute_idea(target_id)
    # Voting recounts the board's budgets: dropped duplicates return to them, votes moved from a
    # closed idea to an open one become active again.
    events.publish(events.IdeaMerged(source_id, target_id, pm.id))
    db.session.commit()
    audit.event(
        "idea.merged",
        source_id=source_id,
        target_id=target_id,
        user_id=pm.id,
        votes_moved=len(moved_votes),
        votes_dropped=len(dropped),
    )
    return merge


def merge_target(source: Idea, target_id: int | None) -> Idea | None:
    """The idea numbered `target_id` when `source` can be merged into it: another visible idea
    of the same board that is not merged itself; None otherwise."""
    target = db.session.get(Idea, target_id) if target_id else None
    if (
        target is None
        or target.id == source.id
        or target.board_id != source.board_id
        or target.status == Status.MERGED
        or target.visibility != Visibility.VISIBLE
    ):
        return None
    return target


def merge_candidates(source: Idea, query: str, limit: int = CANDIDATES) -> list[Idea]:
    """The ideas `source` can be merged into that match `query`, best first: the board's search
    (every word typed, the last one as a prefix), led by the idea numbered `query` when it is a
    number ("7" or "#7"). Never `source` itself nor a merged idea."""
    query = query.strip()
    number = query.removeprefix("#")
    exact = merge_target(source, int(number)) if number.isdigit() and len(number) < 10 else None
    found = listing.similar_ideas(source.board, query, limit, exclude_id=source.id, any_term=False)
    return ([exact] if exact else []) + [idea for idea in found if idea is not exact][: limit - bool(exact)]


def undoable_merge(idea: Idea, now: datetime | None = None) -> IdeaMerge | None:
    """The merge of `idea` into another that can still be undone, if any."""
    merge = db.session.scalar(
        select(IdeaMerge)
        .where(IdeaMerge.source_id == idea.id, IdeaMerge.undone_at.is_(None))
        .order_by(IdeaMerge.id.desc())
    )
    if merge is None or (now or utcnow()) - merge.created_at > UNDO_WINDOW:
        return None
    return merge


@writes
def undo_merge(pm: User, merge: IdeaMerge, now: datetime | None = None) -> None:
    """Move back what the merge moved (votes still on the target, their comments and follows),
    restore the dropped duplicate votes and the source's status. Raises NotAllowed or Conflict."""
    now = now or utcnow()
    merge_id = merge.id
    merge = db.session.get(IdeaMerge, merge_id)
    ideas = _lock(merge.source_id, merge.target_id)
    source = ideas[merge.source_id]
    if not policy.can_manage(pm, source.board):
        raise NotAllowed("Only the organisation's product managers can undo a merge.")
    if merge.undone_at is not None or now - merge.created_at > UNDO_WINDOW:
        raise Conflict("This merge can no longer be undone.")
    db.session.execute(
        update(Vote)
        .where(Vote.id.in_(json.loads(merge.moved_votes)), Vote.idea_id == merge.target_id)
        .values(idea_id=merge.source_id)
    )
    for vote in json.loads(merge.dropped_votes):
        exists = db.session.scalar(
            select(Vote.id).where(Vote.idea_id == merge.source_id, Vote.user_id == vote["user_id"])
        )
        if exists is None:
            db.session.add(
                Vote(
                    idea_id=merge.source_id,
                    user_id=vote["user_id"],
                    value=vote["value"],
                    created_at=datetime.fromisoformat(vote["created_at"]),
                    updated_at=now,
                    proxy_by_id=vote["proxy_by_id"],
                    proxy_note=vote["proxy_note"],
                )
            )
    db.session.execute(
        update(Follow)
        .where(Follow.id.in_(json.loads(merge.moved_follows)), Follow.idea_id == merge.target_id)
        .values(idea_id=merge.source_id)
    )
    db.session.execute(
        update(Comment)
        .where(Comment.id.in_(json.loads(merge.moved_comments)), Comment.idea_id == merge.target_id)
        .values(idea_id=merge.source_id, moved_from_idea_id=None)
    )
    db.session.add(
        StatusChange(
            idea_id=source.id,
            from_status=Status.MERGED,
            to_status=merge.source_status,
            message="The merge was undone.",
            changed_by_id=pm.id,
            created_at=now,
        )
    )
    source.status, source.merged_into_id, source.status_changed_at = merge.source_status, None, now
    merge.undone_at = now
    db.session.flush()
    counters.recompute_idea(merge.source_id)
    counters.recompute_idea(merge.target_id)
    events.publish(events.IdeaMergeUndone(merge.source_id, merge.target_id, pm.id))
    db.session.commit()
    audit.event("idea.merge_undone", source_id=merge.source_id, target_id=merge.target_id, user_id=pm.id)
