"""The one source of "now", always timezone-aware UTC. Tests move it with time-machine."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
