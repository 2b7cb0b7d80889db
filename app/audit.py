"""Structured logs (one JSON object a line) for authentication and authorisation events.

Callers pass facts, never secrets: no passwords, tokens or full email addresses.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys

from flask import Flask, has_request_context, request

from app.clock import utcnow

logger = logging.getLogger("ideaforge.audit")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": utcnow().isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(app: Flask) -> None:
    if any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(app.config["LOG_LEVEL"])
    logger.propagate = False


def email_fingerprint(email: str) -> str:
    """Enough to correlate events for one address without writing the address to the log."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def event(name: str, level: int = logging.INFO, **fields) -> None:
    if has_request_context():
        fields.setdefault("ip", request.remote_addr)
        fields.setdefault("path", request.path)
        fields.setdefault("method", request.method)
    logger.log(level, name, extra={"fields": {"event": name, **fields}})
