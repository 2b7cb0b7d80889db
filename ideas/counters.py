"""Counters and rank keys recomputed from the source tables: for merges, for the nightly
check (`flask votes verify`) and for `flask ranking refresh`. Lists never call this."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from app.clock import utcnow
from app.extensions import db
from ideas import ranking
from ideas.models import Comment, Follow, Idea, Visibility, Vote

COUNTERS = ("upvotes", "downvotes", "score", "comment_count", "follower_count")


@dataclass
class Difference:
    idea_id: int
    field: str
    stored: int
    actual: int


def actual_counts(idea_id: int) -> dict:
    up = db.session.scalar(select(func.count()).where(Vote.idea_id == idea_id, Vote.value == 1))
    down = db.session.scalar(select(func.count()).where(Vote.idea_id == idea_id, Vote.value == -1))
    comments = db.session.scalar(
        select(func.count()).where(
            Comment.idea_id == idea_id, Comment.deleted_at.is_(None), Comment.visibility == Visibility.VISIBLE
        )
    )
    followers = db.session.scalar(select(func.count()).where(Follow.idea_id == idea_id))
    return {
        "upvotes": up,
        "downvotes": down,
        "score": up - down,
        "comment_count": comments,
        "follower_count": followers,
    }


def trending_from_history(idea_id: int) -> float:
    stored = ranking.EMPTY
    for (at,) in db.session.execute(select(Vote.created_at).where(Vote.idea_id == idea_id, Vote.value == 1)):
        stored = ranking.trending_add(stored, 1.0, at)
    for (at,) in db.session.execute(
        select(Comment.created_at).where(
            Comment.idea_id == idea_id, Comment.deleted_at.is_(None), Comment.visibility == Visibility.VISIBLE
        )
    ):
        stored = ranking.trending_add(stored, ranking.TRENDING_COMMENT_WEIGHT, at)
    return stored


def recompute_idea(idea_id: int) -> None:
    """Set an idea's counters and rank keys from the votes, comments and follows tables. The
    caller holds the idea's row lock (or the SQLite write lock) for the transaction."""
    counts = actual_counts(idea_id)
    created_at = db.session.scalar(select(Idea.created_at).where(Idea.id == idea_id))
    db.session.execute(
        update(Idea)
        .where(Idea.id == idea_id)
        .values(
            **counts,
            hot_rank=ranking.hot(counts["score"], created_at),
            confidence_rank=ranking.wilson_lower_bound(counts["upvotes"], counts["downvotes"]),
            trending_rank=trending_from_history(idea_id),
        )
    )


def add_activity(idea_id: int, weight: float) -> None:
    """Count a comment (or other activity) towards Trending, under the row's lock."""
    now = utcnow()
    stored = db.session.execute(
        update(Idea).where(Idea.id == idea_id).values(last_activity_at=now).returning(Idea.trending_rank)
    ).scalar_one()
    db.session.execute(
        update(Idea).where(Idea.id == idea_id).values(trending_rank=ranking.trending_add(stored, weight, now))
    )


def verify(fix: bool = False) -> list[Difference]:
    """Every idea whose stored counters differ from the tables; with `fix`, repaired."""
    differences = []
    for idea_id in db.session.scalars(select(Idea.id).order_by(Idea.id)):
        stored = db.session.execute(select(*(getattr(Idea, f) for f in COUNTERS)).where(Idea.id == idea_id)).one()
        actual = actual_counts(idea_id)
        found = [
            Difference(idea_id, field, value, actual[field])
            for field, value in zip(COUNTERS, stored)
            if value != actual[field]
        ]
        if fix and found:
            recompute_idea(idea_id)
        differences += found
    if fix:
        db.session.commit()
    return differences
