"""One log pipeline for the whole process: every logger's records reach stderr as one JSON object a line.

A line carries time (UTC), level, logger, message, the caller's `extra=` fields, the exception text when
there is one, and `request_id` / `job_id` when the record was made inside a request or a job.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, Response, request

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only if it cannot smuggle anything odd into a log line or a header.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_job_id: ContextVar[object | None] = ContextVar("job_id", default=None)

# Attributes every LogRecord has; anything else on a record came from the caller's `extra=`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_context_ids())
        # The caller's fields never overwrite the pipeline's own keys.
        for key, value in _caller_fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


def _context_ids() -> dict:
    ids = {"request_id": _request_id.get(), "job_id": _job_id.get()}
    return {key: value for key, value in ids.items() if value is not None}


def _caller_fields(record: logging.LogRecord) -> dict:
    fields = {key: value for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES}
    # `extra={"fields": {...}}` (one dict of fields, as app/errors.py passes) is flattened like the rest.
    nested = fields.pop("fields", None)
    if isinstance(nested, dict):
        return {**nested, **fields}
    if nested is not None:
        fields["fields"] = nested
    return fields


class JsonStderrHandler(logging.StreamHandler):
    """The pipeline's handler on the root logger, found again by its class so configuring twice adds nothing.

    It writes to whatever `sys.stderr` is at the time, so a swapped stream (pytest's capture) is honoured.
    """

    def __init__(self) -> None:
        logging.Handler.__init__(self)
        self.setFormatter(JsonFormatter())

    @property
    def stream(self):
        return sys.stderr


def configure(app: Flask) -> None:
    """Install the JSON handler on the root logger (once per process) and give `app` request ids."""
    root = logging.getLogger()
    if not any(isinstance(handler, JsonStderrHandler) for handler in root.handlers):
        root.addHandler(JsonStderrHandler())
    root.setLevel(_level(app.config["LOG_LEVEL"]))
    _register_request_id(app)


def _level(value: str | int) -> str | int:
    return value.strip().upper() if isinstance(value, str) else value


# --------------------------------------------------------------------------- request ids


def _register_request_id(app: Flask) -> None:
    if _assign_request_id in app.before_request_funcs.get(None, []):
        return
    # Registered first, so the id is there for every later hook and the view.
    app.before_request_funcs.setdefault(None, []).insert(0, _assign_request_id)
    app.after_request(_echo_request_id)
    app.teardown_request(_forget_request_id)


def _assign_request_id() -> None:
    _request_id.set(_incoming_or_new_request_id(request.headers.get(REQUEST_ID_HEADER)))


def _incoming_or_new_request_id(incoming: str | None) -> str:
    if incoming and _SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _echo_request_id(response: Response) -> Response:
    request_id = _request_id.get()
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


def _forget_request_id(_error: BaseException | None) -> None:
    # A worker thread serves many requests: the next one must not inherit this id.
    _request_id.set(None)


# --------------------------------------------------------------------------- job ids


@contextmanager
def job_context(job_id: object) -> Iterator[None]:
    """Records made inside carry `job_id`."""
    token = _job_id.set(job_id)
    try:
        yield
    finally:
        _job_id.reset(token)
