"""Reputation for tests: points given directly, as a member would have earned them."""

from __future__ import annotations

from app.extensions import db
from app.reputation import services


def give_points(user, organisation, points: int, kind: str = "vote") -> None:
    org_id = getattr(organisation, "id", organisation)
    services.record(user.id, org_id, points, kind, note="test")
    db.session.commit()


def vote(user, idea, value: int = 1) -> None:
    """Cast (1, -1) or retract (0) a vote through the voting service (which publishes VoteChanged)."""
    from voting import services as voting

    if value:
        voting.cast_vote(user, idea, value)
    else:
        voting.retract_vote(user, idea)
