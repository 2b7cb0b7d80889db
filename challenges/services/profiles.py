"""Solvers' public records: challenges entered, wins and earnings, and the leaderboard.

Only what is public is counted: entries in public challenges (never what was submitted) and
awards the winner accepted (or that were paid). Amounts are summed per currency, never across.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import contains_eager

from app.auth.models import User
from app.extensions import db
from challenges.models import Award, AwardState, Challenge, State, Submission, SubmissionState

EARNED = (AwardState.ACCEPTED, AwardState.PAID)
LEADERBOARD_SIZE = 50


def _public_challenge():
    """SQL twin of `Challenge.is_public`."""
    return or_(
        Challenge.state.in_(State.PUBLIC), and_(Challenge.state == State.CANCELLED, Challenge.opened_at.is_not(None))
    )


@dataclass
class SolverRecord:
    entered: int
    wins: int
    earnings: dict[str, int]  # currency -> minor units
    won: list[Award]  # with their challenges, most recent first


def record(user: User) -> SolverRecord:
    entered = (
        db.session.scalar(
            select(func.count(func.distinct(Submission.challenge_id)))
            .join(Challenge, Challenge.id == Submission.challenge_id)
            .where(Submission.solver_id == user.id, Submission.state == SubmissionState.ACTIVE, _public_challenge())
        )
        or 0
    )
    won = list(
        db.session.scalars(
            select(Award)
            .join(Challenge, Challenge.id == Award.challenge_id)
            .options(contains_eager(Award.challenge))
            .where(Award.solver_id == user.id, Award.state.in_(EARNED), _public_challenge())
            .order_by(Award.accepted_at.desc(), Award.id.desc())
        )
    )
    earnings: dict[str, int] = {}
    for award in won:
        earnings[award.currency] = earnings.get(award.currency, 0) + award.amount
    return SolverRecord(entered=entered, wins=len(won), earnings=dict(sorted(earnings.items())), won=won)


@dataclass
class LeaderboardRow:
    rank: int
    user: User
    earned: int  # in the board's currency
    wins: int  # in every currency


def leaderboard(currency: str = "usd", limit: int = LEADERBOARD_SIZE) -> list[LeaderboardRow]:
    """Solvers by earnings in `currency`, then by wins: one query."""
    earned = func.sum(case((Award.currency == currency, Award.amount), else_=0))
    wins = func.count(Award.id)
    rows = db.session.execute(
        select(User, earned.label("earned"), wins.label("wins"))
        .join(Award, Award.solver_id == User.id)
        .where(Award.state.in_(EARNED), User.active.is_(True))
        .group_by(User.id)
        .having(earned > 0)
        .order_by(earned.desc(), wins.desc(), User.id)
        .limit(limit)
    ).all()
    return [
        LeaderboardRow(rank=i, user=user, earned=int(total), wins=count)
        for i, (user, total, count) in enumerate(rows, start=1)
    ]
