"""Who voted for an idea, with each voter's customer segment: for the idea's product managers,
on the idea's page (the template global `idea_voters`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db
from ideas import policy
from ideas.models import Idea
from voting.demand.models import Segment
from voting.demand.services import vote_rows

SHOWN = 100  # the newest voters listed; the demand dashboard has them all


@dataclass
class Voter:
    name: str
    segment: str | None  # None: no segment
    value: int  # 1 or -1
    voted_at: datetime
    recorded: bool  # a product manager recorded it for the customer


@dataclass
class Voters:
    shown: list[Voter]
    total: int


def idea_voters(viewer: User | None, idea: Idea, limit: int = SHOWN) -> Voters | None:
    """The idea's voters, newest first, with their segments; None unless `viewer` manages the
    idea's board (a product manager of its organisation). Two queries."""
    if not policy.can_manage(viewer, idea.board):
        return None
    rows = vote_rows(idea.board, idea.id)
    query = (
        select(User.display_name, Segment.name, rows.c.value, rows.c.created_at, rows.c.recorded)
        .join(User, User.id == rows.c.user_id)
        .outerjoin(Segment, Segment.id == rows.c.segment_id)
        .order_by(rows.c.created_at.desc(), rows.c.user_id.desc())
        .limit(limit)
    )
    shown = [
        Voter(name, segment, int(value), voted_at, bool(recorded))
        for name, segment, value, voted_at, recorded in db.session.execute(query)
    ]
    total = len(shown) if len(shown) < limit else db.session.scalar(select(func.count()).select_from(rows))
    return Voters(shown, int(total or 0))
