"""How many reports a member has sent today in a community, counted in the rate-limit store the
application's limiter already uses (shared by every process when it is Redis), so that the daily
limit holds across workers. With rate limiting switched off nothing is counted."""

from __future__ import annotations

import time

from app.extensions import limiter

DAY_SECONDS = 24 * 60 * 60


def _key(user_id: int, organisation_id: int) -> str:
    return f"LIMITER/reports/org:{organisation_id}/user:{user_id}"


def _storage():
    return limiter.storage if limiter.enabled else None


def used(user_id: int, organisation_id: int) -> int:
    storage = _storage()
    return int(storage.get(_key(user_id, organisation_id))) if storage is not None else 0


def take(user_id: int, organisation_id: int, per_day: int | None) -> bool:
    """Count one report; False (the count is then over the limit) when today's were used up.
    The store increments atomically, so concurrent reports cannot pass the limit together."""
    storage = _storage()
    if per_day is None or storage is None:
        return True
    return storage.incr(_key(user_id, organisation_id), DAY_SECONDS) <= per_day


def resets_in(user_id: int, organisation_id: int) -> float:
    """Seconds until the count starts again: the day counted from the first report ends."""
    storage = _storage()
    if storage is None:
        return 0.0
    return max(0.0, storage.get_expiry(_key(user_id, organisation_id)) - time.time())
