"""Reading challenges for lists: the public browse tabs (keyset pages, a fixed number of queries
each), an organisation's own list, the home page's open challenges and a challenge's extras."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.clock import utcnow
from app.extensions import db
from app.orgs.models import Organisation
from challenges import money
from challenges.models import Challenge, ChallengeIdea, ChallengeType, DeadlineChange, State
from ideas import policy as idea_policy
from ideas.models import Idea

PAGE_SIZE = 20
CLOSING_SOON = timedelta(days=7)
TABS = {"open": "Open", "closing": "Closing soon", "awarded": "Awarded"}


@dataclass
class Filters:
    tab: str = "open"
    type: str = ""
    min_reward: int | None = None  # major units, in each challenge's own currency
    q: str = ""

    def __post_init__(self):
        self.tab = self.tab if self.tab in TABS else "open"
        self.type = self.type if self.type in ChallengeType.LABELS else ""
        self.q = (self.q or "").strip()[:100]


@dataclass
class Page:
    items: list[Challenge]
    next_cursor: str | None = None
    filters: Filters = field(default_factory=Filters)


def _sort(tab: str):
    """(sort key, descending?) of a tab; the id breaks ties in the same direction."""
    if tab == "closing":
        return Challenge.deadline, False
    if tab == "awarded":
        return func.coalesce(Challenge.awarded_at, Challenge.updated_at), True
    return Challenge.opened_at, True


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(filters: Filters, now: datetime) -> list:
    if filters.tab == "awarded":
        clauses = [Challenge.state.in_((State.AWARDED, State.PAID))]
    else:
        clauses = [Challenge.state == State.OPEN, Challenge.deadline > now]
        if filters.tab == "closing":
            clauses.append(Challenge.deadline <= now + CLOSING_SOON)
    if filters.type:
        clauses.append(Challenge.type == filters.type)
    if filters.min_reward:
        clauses.append(
            or_(
                *(
                    and_(Challenge.currency == code, Challenge.reward_amount >= filters.min_reward * 10**exp)
                    for code, (_symbol, exp) in money.CURRENCIES.items()
                )
            )
        )
    for word in filters.q.lower().split()[:8]:
        pattern = f"%{_escape_like(word)}%"
        clauses.append(
            or_(
                func.lower(Challenge.title).like(pattern, escape="\\"),
                func.lower(Challenge.summary).like(pattern, escape="\\"),
            )
        )
    return clauses


def _decode(cursor: str | None) -> tuple[datetime, int] | None:
    try:
        stamp, _, ident = (cursor or "").rpartition("_")
        return datetime.fromisoformat(stamp), int(ident)
    except ValueError:
        return None


def browse(filters: Filters, cursor: str | None = None, now: datetime | None = None, limit: int = PAGE_SIZE) -> Page:
    """One page of public challenges: two queries (the challenges, their organisations)."""
    now = now or utcnow()
    key, descending = _sort(filters.tab)
    query = select(Challenge).where(*_where(filters, now))
    after = _decode(cursor)
    if after is not None and after[0].tzinfo is not None:
        stamp, ident = after
        if descending:
            query = query.where(or_(key < stamp, and_(key == stamp, Challenge.id < ident)))
        else:
            query = query.where(or_(key > stamp, and_(key == stamp, Challenge.id > ident)))
    order = (key.desc(), Challenge.id.desc()) if descending else (key.asc(), Challenge.id.asc())
    rows = list(
        db.session.scalars(query.options(selectinload(Challenge.organisation)).order_by(*order).limit(limit + 1))
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        stamp = {"closing": last.deadline, "awarded": last.awarded_at or last.updated_at}.get(
            filters.tab, last.opened_at
        )
        next_cursor = f"{stamp.isoformat()}_{last.id}"
    return Page(rows, next_cursor, filters)


def open_challenges(limit: int = 6, now: datetime | None = None) -> list[Challenge]:
    """For the home page: open challenges, soonest deadline first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Challenge)
            .where(Challenge.state == State.OPEN, Challenge.deadline > now)
            .options(selectinload(Challenge.organisation))
            .order_by(Challenge.deadline, Challenge.id)
            .limit(limit)
        )
    )


def of_organisation(organisation: Organisation) -> list[Challenge]:
    """Everything an organisation posted, drafts included (for its members only)."""
    return list(
        db.session.scalars(
            select(Challenge)
            .where(Challenge.organisation_id == organisation.id)
            .order_by(Challenge.created_at.desc(), Challenge.id.desc())
        )
    )


def deadline_history(challenge: Challenge) -> list[DeadlineChange]:
    return list(
        db.session.scalars(
            select(DeadlineChange)
            .where(DeadlineChange.challenge_id == challenge.id)
            .order_by(DeadlineChange.changed_at, DeadlineChange.id)
        )
    )


def linked_ideas(challenge: Challenge, user) -> list[Idea]:
    """The ideas a challenge answers that this viewer may see."""
    ideas = db.session.scalars(
        select(Idea)
        .join(ChallengeIdea, ChallengeIdea.idea_id == Idea.id)
        .where(ChallengeIdea.challenge_id == challenge.id)
        .order_by(Idea.id)
    )
    return [idea for idea in ideas if idea_policy.can_see_idea(user, idea)]


def linked_idea_ids(challenge: Challenge) -> list[int]:
    return list(
        db.session.scalars(
            select(ChallengeIdea.idea_id)
            .where(ChallengeIdea.challenge_id == challenge.id)
            .order_by(ChallengeIdea.idea_id)
        )
    )
