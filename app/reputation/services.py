"""Recording reputation: an event per change, the member's cached total moved by the same
amount in the same transaction, and the community's Super Fan flags refreshed.

These functions write inside the caller's transaction and never commit: points move with the
vote, status change or moderation action that earns them, or not at all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from app.clock import utcnow
from app.extensions import db
from app.reputation import levels, statements
from app.reputation.models import Badge, ReputationEvent, ReputationTotal


def _dialect_insert(model):
    name = db.session.get_bind().dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(model)


def _run(statement, params):
    return db.session.connection().execute(statement, params)


def _apply(
    user_id: int,
    organisation_id: int,
    points: int,
    kind: str,
    subject_type: str | None,
    subject_id: int | None,
    note: str,
    now: datetime,
) -> tuple[int, bool]:
    """Append the event and move the member's total; returns the new total and their Super Fan flag."""
    _run(
        statements.INSERT_EVENT,
        {
            "user_id": user_id,
            "organisation_id": organisation_id,
            "points": points,
            "kind": kind,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "note": note[:200],
            "created_at": now,
        },
    )
    total, flagged = _run(
        statements.ADD_TO_TOTAL, {"user_id": user_id, "organisation_id": organisation_id, "points": points, "now": now}
    ).one()
    return total, bool(flagged)


def _one_writer_per_community(organisation_id: int) -> None:
    """On PostgreSQL, reputation changes in one community queue here (until commit) before they lock
    any member's total: each change writes the earner's total and may rewrite the Super Fan flags
    of others, and two transactions taking those row locks in opposite orders would deadlock.
    SQLite already admits one writer at a time."""
    if db.session.get_bind().dialect.name == "postgresql":
        _run(_COMMUNITY_LOCK, {"space": _LOCK_SPACE, "key": organisation_id})


def lock_community(organisation_id: int) -> None:
    """For a rule that reads the ledger before it writes (a daily cap): take the community's turn
    first, as `record` would, so two changes cannot both read the sum before either writes."""
    _one_writer_per_community(organisation_id)


_LOCK_SPACE = 7301  # the advisory-lock namespace of reputation (per organisation within it)
_COMMUNITY_LOCK = text("SELECT pg_advisory_xact_lock(:space, :key)")  # every vote on PostgreSQL: built once


def record(
    user_id: int | None,
    organisation_id: int,
    points: int,
    kind: str,
    subject_type: str | None = None,
    subject_id: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> None:
    """Give (or take) `points` to a member in an organisation's community."""
    if not points or user_id is None:
        return
    _one_writer_per_community(organisation_id)
    total, flagged = _apply(user_id, organisation_id, points, kind, subject_type, subject_id, note, now or utcnow())
    if _may_move_super_fans(organisation_id, total - points, total, flagged):
        refresh_super_fans(organisation_id)


def _may_move_super_fans(organisation_id: int, before: int, after: int, flagged: bool) -> bool:
    """Whether one member's total going from `before` to `after` can change who the Super Fans
    are. Usually it cannot, and one indexed lookup says so instead of ranking the community on
    every vote. Ties answer yes: the full refresh settles them by account age."""
    if (before > 0) != (after > 0):
        return True  # one member more or fewer with points: the size of the top 0.5 % may move
    if after > before and not flagged:  # rising from outside: past the lowest Super Fan?
        lowest = _run(statements.LOWEST_SUPER_FAN, {"organisation_id": organisation_id}).scalar()
        return lowest is None or after >= lowest
    if after < before and flagged:  # falling from inside: below the best of the rest?
        best = _run(statements.BEST_OF_THE_REST, {"organisation_id": organisation_id}).scalar()
        return best is not None and best >= after
    return False


def settle(
    kind: str,
    subject_type: str,
    subject_id: int,
    organisation_id: int,
    expected: dict[int, int],
    note: str = "",
    now: datetime | None = None,
) -> int:
    """Make the events of one kind about one subject add up to `expected` (points per member),
    appending a correcting event for each member whose sum differs. Returns how many were added.

    Rules that follow from the source tables (votes, statuses, accepted answers, awards) use
    this, so repeating an event, or running `flask reputation rebuild`, never counts twice."""
    _one_writer_per_community(organisation_id)
    rows = db.session.execute(
        select(ReputationEvent.user_id, func.sum(ReputationEvent.points))
        .where(
            ReputationEvent.kind == kind,
            ReputationEvent.subject_type == subject_type,
            ReputationEvent.subject_id == subject_id,
            ReputationEvent.organisation_id == organisation_id,
        )
        .group_by(ReputationEvent.user_id)
    ).all()
    have = {user_id: int(total or 0) for user_id, total in rows}
    added = 0
    for user_id in sorted(set(have) | {uid for uid in expected if uid is not None}):
        diff = expected.get(user_id, 0) - have.get(user_id, 0)
        if diff:
            _apply(user_id, organisation_id, diff, kind, subject_type, subject_id, note, now or utcnow())
            added += 1
    if added:
        refresh_super_fans(organisation_id)
    return added


def refresh_super_fans(organisation_id: int) -> None:
    """Flag exactly the community's top 0.5 % (at least one member; nobody without points).

    Ties are broken by the lower user id (the older account), so the title never depends on
    the order rows happen to come back in."""
    _one_writer_per_community(organisation_id)
    ranked = ReputationTotal.organisation_id == organisation_id
    members = db.session.scalar(
        select(func.count()).select_from(ReputationTotal).where(ranked, ReputationTotal.points > 0)
    )
    count = levels.super_fan_count(members or 0)
    top = (
        list(
            db.session.scalars(
                select(ReputationTotal.user_id)
                .where(ranked, ReputationTotal.points > 0)
                .order_by(ReputationTotal.points.desc(), ReputationTotal.user_id)
                .limit(count)
            )
        )
        if count
        else []
    )
    flagged = set(
        db.session.scalars(select(ReputationTotal.user_id).where(ranked, ReputationTotal.super_fan.is_(True)))
    )
    if flagged == set(top):
        return  # the usual case: no row written, so concurrent votes elsewhere take no locks here
    is_top = ReputationTotal.user_id.in_(top) if top else False
    db.session.execute(
        update(ReputationTotal)
        .where(ranked, or_(ReputationTotal.super_fan.is_(True), is_top))
        .values(super_fan=is_top)
        .execution_options(synchronize_session=False)
    )


def award_badge(user_id: int | None, organisation_id: int, badge: str, now: datetime | None = None) -> None:
    """Once per member and community: the unique index turns a repeat into nothing."""
    if user_id is None:
        return
    statement = _dialect_insert(Badge).values(
        user_id=user_id, organisation_id=organisation_id, badge=badge, awarded_at=now or utcnow()
    )
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["organisation_id", "user_id", "badge"]))


def total_of(user_id: int, organisation_id: int) -> int:
    return (
        db.session.scalar(
            select(ReputationTotal.points).where(
                ReputationTotal.user_id == user_id, ReputationTotal.organisation_id == organisation_id
            )
        )
        or 0
    )


def level_of(user_id: int, organisation_id: int) -> levels.Level:
    return levels.level_for(total_of(user_id, organisation_id))


def summaries(user_ids) -> dict[int, tuple[int, bool]]:
    """For the name badge: each member's best level number across communities and whether
    they are a Super Fan in any of them. One query for all the ids."""
    ids = sorted({uid for uid in user_ids if uid})
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            ReputationTotal.user_id,
            func.max(ReputationTotal.points),
            func.max(case((ReputationTotal.super_fan.is_(True), 1), else_=0)),
        )
        .where(ReputationTotal.user_id.in_(ids))
        .group_by(ReputationTotal.user_id)
    ).all()
    found = {user_id: (levels.level_for(int(points or 0)).number, bool(fan)) for user_id, points, fan in rows}
    return {uid: found.get(uid, (0, False)) for uid in ids}


def sums_of_events() -> dict[tuple[int, int], int]:
    rows = db.session.execute(
        select(ReputationEvent.user_id, ReputationEvent.organisation_id, func.sum(ReputationEvent.points)).group_by(
            ReputationEvent.user_id, ReputationEvent.organisation_id
        )
    ).all()
    return {(user_id, org_id): int(total or 0) for user_id, org_id, total in rows}


def cached_totals() -> dict[tuple[int, int], int]:
    return {
        (t.user_id, t.organisation_id): t.points
        for t in db.session.execute(
            select(ReputationTotal.user_id, ReputationTotal.organisation_id, ReputationTotal.points)
        )
    }


def write_totals(expected: dict[tuple[int, int], int]) -> list[tuple[int, int, int, int]]:
    """Set every cached total to `expected`; returns (user, organisation, was, now) for each fix."""
    cached = cached_totals()
    fixes = []
    now = utcnow()
    for key in sorted(set(cached) | set(expected)):
        want, was = expected.get(key, 0), cached.get(key)
        if was == want:
            continue
        user_id, org_id = key
        fixes.append((user_id, org_id, was or 0, want))
        if was is None:
            db.session.add(ReputationTotal(user_id=user_id, organisation_id=org_id, points=want, updated_at=now))
        else:
            db.session.execute(
                update(ReputationTotal)
                .where(and_(ReputationTotal.user_id == user_id, ReputationTotal.organisation_id == org_id))
                .values(points=want, updated_at=now)
            )
    return fixes
