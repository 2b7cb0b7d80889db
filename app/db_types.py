"""Column types and database tuning shared by every package's models."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import scoped_session
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Timestamps stored in UTC and always read back timezone-aware.

    SQLite keeps no zone, PostgreSQL does; this makes both answer the same aware datetime.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def tune_sqlite(engine: Engine, busy_timeout_ms: int = 10_000) -> None:
    """WAL, foreign keys, a busy timeout, and real BEGINs that SQLAlchemy controls.

    pysqlite's own transaction handling delays BEGIN until the first write, which breaks
    SAVEPOINTs and lets a transaction read two different snapshots; the recipe below is the
    one SQLAlchemy documents for SQLite.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


_WRITE_KEY = "write_transaction"


def in_write_transaction(session) -> bool:
    """True while the session is still in the transaction `begin_write` started.

    Tied to the transaction object, not a counter: once a service commits, the next service
    starts a write transaction of its own again."""
    session = _plain(session)
    current = session.get_transaction()
    return current is not None and session.info.get(_WRITE_KEY) is current


def _plain(session):
    """The Session behind a scoped_session (db.session), which does not proxy get_transaction."""
    return session() if isinstance(session, scoped_session) else session


@contextmanager
def write_transaction(session):
    """The transaction of a write service: begun with `begin_write`, rolled back (releasing
    SQLite's write lock at once) when the service raises; the service commits on success, and a
    service that returns without committing has its transaction ended here.

    A service called from inside another's write transaction joins it: beginning again would
    commit the outer service's half-done work, and only the outermost rolls back."""
    if in_write_transaction(session):
        yield
        return
    begin_write(session)
    try:
        yield
    except BaseException:
        session.rollback()
        raise
    if in_write_transaction(session):
        # The service returned without committing (it found nothing to change): end the
        # transaction all the same, or SQLite's write lock would stay held until the request ends.
        session.commit()


def writes(service):
    """Run a service function inside `write_transaction` on the application's session."""

    @wraps(service)
    def wrapper(*args, **kwargs):
        from app.extensions import db

        with write_transaction(db.session):
            return service(*args, **kwargs)

    return wrapper


def begin_write(session) -> None:
    """Start the transaction a write service runs in.

    On SQLite a transaction that reads first and writes later fails at once (SQLITE_BUSY) when
    another writer got in between; BEGIN IMMEDIATE takes the write lock up front, so concurrent
    writers queue on the busy timeout instead. Other databases ignore the option and rely on
    row locks. Whatever the request read before is committed (it only read) and reloads lazily.
    """
    session.commit()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    session.info[_WRITE_KEY] = _plain(session).get_transaction()


def write_aside(statement) -> None:
    """Record a note of use (a session's or a token's last use, a session's end) on a connection
    of its own, best effort: the request holds a read transaction that SQLite could not turn into
    a write while another request writes, and a stale timestamp must never fail a request."""
    from app.extensions import db

    try:
        with db.engine.connect() as connection:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                connection.execute(statement)
    except OperationalError:
        pass
