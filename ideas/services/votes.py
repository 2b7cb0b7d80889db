"""What the votes table says of one idea: the viewer's own vote, and the votes product managers
recorded for customers. Casting and budgets are the voting package's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.extensions import db
from ideas.models import Idea, Vote


def my_vote(user: User | None, idea: Idea) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(select(Vote.value).where(Vote.idea_id == idea.id, Vote.user_id == user.id)) or 0


def proxy_votes(idea: Idea) -> list[Vote]:
    """Votes product managers recorded for customers, newest first."""
    return list(
        db.session.scalars(
            select(Vote)
            .where(Vote.idea_id == idea.id, Vote.proxy_by_id.is_not(None))
            .options(selectinload(Vote.user))
            .order_by(Vote.created_at.desc())
        )
    )
