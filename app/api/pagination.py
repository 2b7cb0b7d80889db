"""The API's one pagination convention: `?cursor=...&limit=...` in, `{"data", "next_cursor"}` out.

Cursors are opaque to clients: the sort key and id of the last row served, as JSON, signed
with the app's secret so a forged or edited cursor is refused instead of reaching the query.
Lists use keyset pagination, `(sort_key, id) < (:k, :id)`, so every page costs the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, literal, tuple_
from sqlalchemy.types import TypeDecorator

from app.errors_domain import ValidationFailed

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
BAD_CURSOR = "That cursor is not valid here; start again without one."

T = TypeVar("T")


class PageQuery(BaseModel):
    """Query parameters of every list; a list with filters subclasses this."""

    model_config = ConfigDict(extra="ignore")

    cursor: str | None = Field(
        default=None,
        max_length=512,
        description="Opaque: the `next_cursor` of the previous page. Omit it for the first page.",
    )
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


class Page(BaseModel, Generic[T]):
    """A page of a list. Subclass it per item type (`class IdeaPage(Page[IdeaOut])`) so the
    OpenAPI document gets a readable schema name."""

    data: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last page.")


def _serializer(kind: str) -> URLSafeSerializer:
    # One salt per list, so a cursor from one list is refused by another.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"api.cursor.{kind}")


def encode_cursor(kind: str, values: Sequence[Any]) -> str:
    """An opaque cursor for the row whose sort key is `values` in list `kind`."""
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return _serializer(kind).dumps(plain)


def decode_cursor(kind: str, cursor: str, columns: Sequence[Any]) -> list[Any]:
    """The sort-key values a cursor carries, typed like `columns`.

    Raises ValidationFailed (422, on the `cursor` field) for a cursor that was edited, forged,
    made for another list, or carries values of the wrong type.
    """
    try:
        values = _serializer(kind).loads(cursor)
    except BadData:
        raise _bad_cursor() from None
    if not isinstance(values, list) or len(values) != len(columns):
        raise _bad_cursor()
    try:
        return [_coerce(value, column) for value, column in zip(values, columns)]
    except (TypeError, ValueError):
        raise _bad_cursor() from None


def _coerce(value: Any, column: Any) -> Any:
    sql_type = column.type
    if isinstance(sql_type, TypeDecorator):  # e.g. UTCDateTime: its impl knows the Python type
        sql_type = sql_type.impl_instance
    python_type = sql_type.python_type
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError("expected an integer")
    if python_type is str and not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed(BAD_CURSOR, {"cursor": [BAD_CURSOR]})


def keyset_page(
    session, stmt: Select, *, kind: str, columns: Sequence[Any], query: PageQuery
) -> tuple[list[Any], str | None]:
    """Run `stmt` (a select of ORM entities) newest first by `columns` (sort key, then a unique
    id) and return one page of rows with the cursor of the next page, or None on the last.

    Raises ValidationFailed for a bad cursor (see `decode_cursor`).
    """
    if query.cursor:
        after = decode_cursor(kind, query.cursor, columns)
        bounds = [literal(value, column.type) for value, column in zip(after, columns)]
        stmt = stmt.where(tuple_(*columns) < tuple_(*bounds))
    stmt = stmt.order_by(*(column.desc() for column in columns)).limit(query.limit + 1)
    rows = list(session.scalars(stmt))
    if len(rows) <= query.limit:
        return rows, None
    rows = rows[: query.limit]
    last = rows[-1]
    return rows, encode_cursor(kind, [getattr(last, column.key) for column in columns])
