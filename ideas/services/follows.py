"""Following an idea: authors and commenters follow automatically; voters choose."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed
from app.extensions import db
from ideas import policy
from ideas.models import Follow, Idea, Status


def is_following(user: User | None, idea: Idea) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(Follow.id).where(Follow.idea_id == idea.id, Follow.user_id == user.id)) is not None


@writes
def follow(user: User, idea: Idea, commit: bool = True) -> bool:
    """True when this started a follow. The database's uniqueness makes a double click harmless."""
    if not policy.can_see_idea(user, idea):
        raise NotAllowed("You cannot follow this idea.")
    if idea.status == Status.MERGED:
        raise Conflict(f"This idea was merged into #{idea.merged_into_id}; follow that one.")
    try:
        with db.session.begin_nested():
            db.session.add(Follow(idea_id=idea.id, user_id=user.id))
    except IntegrityError:
        if commit:
            db.session.commit()  # ends the write transaction: nothing changed
        return False
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(follower_count=Idea.follower_count + 1))
    if commit:
        db.session.commit()
    return True


@writes
def unfollow(user: User, idea: Idea) -> bool:
    removed = db.session.execute(delete(Follow).where(Follow.idea_id == idea.id, Follow.user_id == user.id)).rowcount
    if removed:
        db.session.execute(update(Idea).where(Idea.id == idea.id).values(follower_count=Idea.follower_count - 1))
    db.session.commit()
    return bool(removed)


def follower_ids(idea_id: int) -> list[int]:
    return list(db.session.scalars(select(Follow.user_id).where(Follow.idea_id == idea_id)))
