"""Domain exceptions shared by every package's services. Routes map them to form errors,
flash messages or JSON errors; services never know which."""

from __future__ import annotations

import math


class DomainError(Exception):
    """A rule refused the action. `fields` names the inputs at fault, if any."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(DomainError):
    status = 422
    code = "invalid"


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class RateLimited(DomainError):
    """Too many of something for now. `retry_after`, when known, is how many seconds until the
    limit lets the action through again (sent as `Retry-After`)."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None, retry_after: int | None = None):
        super().__init__(message, fields)
        self.retry_after = retry_after


def wait_seconds(seconds: float) -> int:
    """A wait in whole seconds, rounded up (at least one): waiting that long is always enough."""
    return max(1, math.ceil(seconds))


def wait_phrase(seconds: float) -> str:
    """How long a wait is, in words, rounded up: "42 seconds", "3 minutes", "5 hours"."""
    total = wait_seconds(seconds)
    if total < 120:
        count, unit = total, "second"
    elif total < 2 * 60 * 60:
        count, unit = math.ceil(total / 60), "minute"
    else:
        count, unit = math.ceil(total / 3600), "hour"
    return f"{count} {unit}{'' if count == 1 else 's'}"
