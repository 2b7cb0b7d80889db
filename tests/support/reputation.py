"""Reputation for tests: points given directly, as a member would have earned them."""
from __future__ import annotations

from app.extensions import db
from app.reputation import services


def give_points(user, organisation, points: int, kind: str = "vote") -> None:
    org_id = getattr(organisation, "id", organisation)
    services.record(user.id, org_id, points, kind, note="test")
    db.session.commit()


def vote(user, idea, value: int = 1) -> None:
    """Cast (1, -1) or retract (0) a vote through the voting service; until that service
    publishes VoteChanged itself, publish it here the way it will."""
    import inspect

    from sqlalchemy import select

    from app import events
    from voting import services as voting
    from voting.models import Vote

    old = db.session.scalar(select(Vote.value).where(Vote.idea_id == idea.id, Vote.user_id == user.id)) or 0
    if value:
        voting.cast_vote(user, idea, value)
    else:
        voting.retract_vote(user, idea)
    if "VoteChanged" not in inspect.getsource(voting) and old != value:
        db.session.refresh(idea)
        events.publish(events.VoteChanged(idea.id, user.id, old, value, idea.upvotes))
        db.session.commit()
