"""Reading reputation: leaderboards, a member's standing per community, and their history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.orgs.models import Organisation
from app.reputation import levels
from app.reputation.models import Badge, ReputationEvent, ReputationTotal
from challenges.models import Award, AwardState, Challenge
from ideas.models import Board, Comment, Idea

LEADERBOARD_SIZE = 50


@dataclass
class Row:
    rank: int
    user: User
    points: int
    level: levels.Level
    super_fan: bool


def month_start(now: datetime | None = None) -> datetime:
    now = now or utcnow()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def leaderboard(
    organisation: Organisation, period: str = "all", now: datetime | None = None, size: int = LEADERBOARD_SIZE
) -> list[Row]:
    """All time: the cached totals. This month: points earned since the 1st (UTC), from the
    events. Ties rank by the lower user id, as for the Super Fan title."""
    totals = (
        {
            t.user_id: t
            for t in db.session.scalars(
                select(ReputationTotal).where(ReputationTotal.organisation_id == organisation.id)
            )
        }
        if period == "month"
        else {}
    )
    if period == "month":
        earned = func.sum(ReputationEvent.points)
        pairs = db.session.execute(
            select(ReputationEvent.user_id, earned)
            .where(ReputationEvent.organisation_id == organisation.id, ReputationEvent.created_at >= month_start(now))
            .group_by(ReputationEvent.user_id)
            .having(earned > 0)
            .order_by(earned.desc(), ReputationEvent.user_id)
            .limit(size)
        ).all()
    else:
        rows = list(
            db.session.scalars(
                select(ReputationTotal)
                .where(ReputationTotal.organisation_id == organisation.id, ReputationTotal.points > 0)
                .order_by(ReputationTotal.points.desc(), ReputationTotal.user_id)
                .limit(size)
            )
        )
        totals = {t.user_id: t for t in rows}
        pairs = [(t.user_id, t.points) for t in rows]
    users = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([p[0] for p in pairs])))} if pairs else {}
    )
    result = []
    for rank, (user_id, points) in enumerate(pairs, start=1):
        total = totals.get(user_id)
        result.append(
            Row(
                rank,
                users[user_id],
                int(points),
                levels.level_for(total.points if total else 0),
                bool(total and total.super_fan),
            )
        )
    return result


@dataclass
class Standing:
    organisation: Organisation
    points: int
    super_fan: bool
    badges: list[str] = field(default_factory=list)
    accepted_answers: int = 0
    wins: int = 0

    @property
    def level(self) -> levels.Level:
        return levels.level_for(self.points)

    @property
    def next_level(self) -> levels.Level | None:
        return levels.next_level(self.points)


def standings(user: User) -> list[Standing]:
    """The member's place in every community they have points, badges, answers or wins in."""
    totals = list(db.session.scalars(select(ReputationTotal).where(ReputationTotal.user_id == user.id)))
    badges: dict[int, list[str]] = {}
    for org_id, badge in db.session.execute(
        select(Badge.organisation_id, Badge.badge).where(Badge.user_id == user.id).order_by(Badge.awarded_at, Badge.id)
    ):
        badges.setdefault(org_id, []).append(badge)
    answers = dict(
        db.session.execute(
            select(Board.organisation_id, func.count())
            .select_from(Comment)
            .join(Idea, Idea.id == Comment.idea_id)
            .join(Board, Board.id == Idea.board_id)
            .where(Comment.author_id == user.id, Comment.accepted_at.is_not(None), Comment.deleted_at.is_(None))
            .group_by(Board.organisation_id)
        ).all()
    )
    wins = dict(
        db.session.execute(
            select(Challenge.organisation_id, func.count())
            .select_from(Award)
            .join(Challenge, Challenge.id == Award.challenge_id)
            .where(Award.solver_id == user.id, Award.state.in_((AwardState.ACCEPTED, AwardState.PAID)))
            .group_by(Challenge.organisation_id)
        ).all()
    )
    org_ids = {t.organisation_id for t in totals} | set(badges) | set(answers) | set(wins)
    if not org_ids:
        return []
    orgs = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))}
    by_org = {t.organisation_id: t for t in totals}
    result = [
        Standing(
            orgs[org_id],
            by_org[org_id].points if org_id in by_org else 0,
            bool(org_id in by_org and by_org[org_id].super_fan),
            badges.get(org_id, []),
            answers.get(org_id, 0),
            wins.get(org_id, 0),
        )
        for org_id in org_ids
        if org_id in orgs
    ]
    return sorted(result, key=lambda s: (-s.points, s.organisation.name))


def history(user: User, limit: int = 15) -> list[tuple[ReputationEvent, Organisation]]:
    rows = db.session.execute(
        select(ReputationEvent, Organisation)
        .join(Organisation, Organisation.id == ReputationEvent.organisation_id)
        .where(ReputationEvent.user_id == user.id)
        .order_by(ReputationEvent.created_at.desc(), ReputationEvent.id.desc())
        .limit(limit)
    ).all()
    return [(event, org) for event, org in rows]
