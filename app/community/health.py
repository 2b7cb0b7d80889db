"""The community's health for its product managers: how concentrated contributions are, who
joins, who is active and how fast questions get an answer. Weeks start on Monday (UTC)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import median

from sqlalchemy import func, select, union_all

from app.clock import utcnow
from app.extensions import db
from app.orgs.models import Organisation
from ideas.models import Board, Comment, Idea, Visibility, Vote

WEEKS = 12


@dataclass
class Concentration:
    members: int  # members with at least one contribution of the kind
    total: int
    top1: float  # share of the total given by the top 1 % of those members
    top10: float
    lorenz: list[tuple[float, float]]  # (share of members, share of contributions), poorest first


def concentration(counts: list[int]) -> Concentration:
    """Pure: the top 1 % and 10 % are rounded up (at least one member), so a small community
    still shows how much its most active member carries."""
    values = sorted((c for c in counts if c > 0), reverse=True)
    total = sum(values)
    if not values:
        return Concentration(0, 0, 0.0, 0.0, [(0.0, 0.0), (1.0, 1.0)])

    def share(fraction: float) -> float:
        return sum(values[: max(1, math.ceil(len(values) * fraction))]) / total

    ascending, running, curve = values[::-1], 0, [(0.0, 0.0)]
    for index, value in enumerate(ascending, start=1):
        running += value
        curve.append((index / len(ascending), running / total))
    if len(curve) > 101:  # a hundred points draw the curve as well as a million
        step = (len(curve) - 1) / 100
        curve = [curve[round(i * step)] for i in range(101)]
    return Concentration(len(values), total, share(0.01), share(0.10), curve)


def week_start(moment: datetime) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


@dataclass
class Health:
    answers: Concentration
    votes: Concentration
    weeks: list[datetime]
    new_members: list[int]
    active_members: list[int]
    response_hours: list[float | None]  # median per week of the ideas posted that week
    unanswered: int


def _org_ideas(organisation: Organisation):
    return select(Idea.id).join(Board, Board.id == Idea.board_id).where(Board.organisation_id == organisation.id)


def _contributions(organisation: Organisation):
    """(user, when) for every idea, comment and vote in the organisation's boards."""
    ideas = _org_ideas(organisation)
    return union_all(
        select(Idea.author_id.label("user_id"), Idea.created_at.label("at")).where(Idea.id.in_(ideas)),
        select(Comment.author_id, Comment.created_at).where(Comment.idea_id.in_(ideas)),
        select(Vote.user_id, Vote.created_at).where(Vote.idea_id.in_(ideas)),
    ).subquery()


def community_health(organisation: Organisation, now: datetime | None = None) -> Health:
    now = now or utcnow()
    ideas = _org_ideas(organisation)
    answers = db.session.scalars(
        select(func.count())
        .select_from(Comment)
        .where(
            Comment.idea_id.in_(ideas),
            Comment.accepted_at.is_not(None),
            Comment.author_id.is_not(None),
            Comment.deleted_at.is_(None),
        )
        .group_by(Comment.author_id)
    ).all()
    votes = db.session.scalars(
        select(func.count()).select_from(Vote).where(Vote.idea_id.in_(ideas)).group_by(Vote.user_id)
    ).all()
    weeks = [week_start(now) - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]
    start = weeks[0]

    def bucket(moment: datetime) -> int | None:
        index = (week_start(moment) - start).days // 7
        return index if 0 <= index < WEEKS else None

    contributions = _contributions(organisation)
    new_members = [0] * WEEKS
    for (first,) in db.session.execute(
        select(func.min(contributions.c.at))
        .where(contributions.c.user_id.is_not(None))
        .group_by(contributions.c.user_id)
        .having(func.min(contributions.c.at) >= start)
    ):
        if (index := bucket(_aware(first))) is not None:
            new_members[index] += 1
    active: list[set[int]] = [set() for _ in range(WEEKS)]
    for user_id, at in db.session.execute(
        select(contributions.c.user_id, contributions.c.at)
        .where(contributions.c.at >= start, contributions.c.user_id.is_not(None))
        .distinct()
    ):
        if (index := bucket(_aware(at))) is not None:
            active[index].add(user_id)
    hours, unanswered = _response_times(ideas, start, bucket)
    return Health(
        concentration(list(answers)),
        concentration(list(votes)),
        weeks,
        new_members,
        [len(s) for s in active],
        hours,
        unanswered,
    )


def _aware(value: datetime) -> datetime:
    """Aggregates over a UNION may come back without the column's zone on SQLite."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _response_times(ideas, start: datetime, bucket) -> tuple[list[float | None], int]:
    """The first comment from someone other than the author, or the first official response."""
    first_reply = (
        select(Comment.idea_id, func.min(Comment.created_at).label("at"))
        .join(Idea, Idea.id == Comment.idea_id)
        .where(Comment.author_id != func.coalesce(Idea.author_id, -1), Comment.idea_id.in_(ideas))
        .group_by(Comment.idea_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Idea.created_at, first_reply.c.at, Idea.official_response_at)
        .outerjoin(first_reply, first_reply.c.idea_id == Idea.id)
        .where(Idea.id.in_(ideas), Idea.created_at >= start, Idea.visibility == Visibility.VISIBLE)
    )
    per_week: list[list[float]] = [[] for _ in range(WEEKS)]
    unanswered = 0
    for created, reply, official in rows:
        answered = [_aware(t) for t in (reply, official) if t is not None]
        if not answered:
            unanswered += 1
            continue
        if (index := bucket(created)) is not None:
            per_week[index].append(max(0.0, (min(answered) - created).total_seconds() / 3600))
    return [round(median(h), 1) if h else None for h in per_week], unanswered
