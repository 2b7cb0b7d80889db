"""A database of its own for each test process: a SQLite file, or a fresh PostgreSQL
database created next to TEST_DATABASE_URL and dropped afterwards."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from ideas.search_schema import SEARCH_TABLE_PREFIX


@contextmanager
def test_database(tmp_dir: Path, worker: str):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_dir / f'test-{worker}.db'}"
        return
    import psycopg

    url = make_url(base.replace("postgres://", "postgresql://", 1)).set(drivername="postgresql+psycopg")
    name = f"ideaforge_test_{worker}_{uuid.uuid4().hex[:8]}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wipe(engine) -> None:
    """Empty every table (but Alembic's), faster than rebuilding the schema per test."""
    # FTS5's own tables follow the ideas table through its triggers; never touch them directly.
    tables = [
        t for t in inspect(engine).get_table_names() if t != "alembic_version" and not t.startswith(SEARCH_TABLE_PREFIX)
    ]
    if not tables:
        return
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            conn.execute(text("PRAGMA defer_foreign_keys = ON"))
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
