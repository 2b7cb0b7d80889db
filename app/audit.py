"""Authentication and authorisation events, logged through the one pipeline (app/logs.py).

Callers pass facts, never secrets: no passwords, tokens or full email addresses.
"""

from __future__ import annotations

import hashlib
import logging

from flask import has_request_context, request

logger = logging.getLogger("ideaforge.audit")


def email_fingerprint(email: str) -> str:
    """Enough to correlate events for one address without writing the address to the log."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def event(name: str, level: int = logging.INFO, **fields) -> None:
    if has_request_context():
        fields.setdefault("ip", request.remote_addr)
        fields.setdefault("path", request.path)
        fields.setdefault("method", request.method)
    logger.log(level, name, extra={"event": name, **fields})
