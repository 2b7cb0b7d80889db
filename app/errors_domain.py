"""Domain exceptions shared by every package's services. Routes map them to form errors,
flash messages or JSON errors; services never know which."""

from __future__ import annotations


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
    status = 429
    code = "rate_limited"
