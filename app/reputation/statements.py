"""Every vote records reputation: these statements are built once, on the tables, and run with new
values each time (building them anew cost more CPU than the vote's own statements: bench/RESULTS.md,
2026-11-24, "the vote had become three times dearer"). The rules that use them are services.py."""

from __future__ import annotations

from sqlalchemy import bindparam, func, insert, select, text

from app.reputation.models import ReputationEvent, ReputationTotal

_events, _totals = ReputationEvent.__table__, ReputationTotal.__table__
INSERT_EVENT = insert(_events)
_of_community = _totals.c.organisation_id == bindparam("organisation_id")
LOWEST_SUPER_FAN = select(func.min(_totals.c.points)).where(_of_community, _totals.c.super_fan.is_(True))
BEST_OF_THE_REST = select(func.max(_totals.c.points)).where(
    _of_community, _totals.c.super_fan.is_(False), _totals.c.points > 0
)


# One statement whether or not the member has a total yet; concurrent changes add up. It returns
# the new total and the member's Super Fan flag. Text in the syntax SQLite and PostgreSQL share,
# because SQLAlchemy compiles its dialect INSERT constructs anew on every execution.
ADD_TO_TOTAL = text(
    "INSERT INTO reputation_totals (user_id, organisation_id, points, super_fan, updated_at) "
    "VALUES (:user_id, :organisation_id, :points, :no, :now) "
    "ON CONFLICT (organisation_id, user_id) DO UPDATE "
    "SET points = reputation_totals.points + excluded.points, updated_at = excluded.updated_at "
    "RETURNING points, super_fan"
).bindparams(bindparam("no", False, type_=_totals.c.super_fan.type), bindparam("now", type_=_totals.c.updated_at.type))
