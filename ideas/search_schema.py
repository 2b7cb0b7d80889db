"""Full-text search objects that SQLAlchemy models cannot describe, created by migrations:
an FTS5 table kept in sync by triggers on SQLite, a GIN expression index on PostgreSQL."""

from sqlalchemy import text

# The expression PostgreSQL indexes; queries must use the very same one to hit the index.
PG_DOCUMENT = "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(body, ''))"

# Names the models/migrations comparison must leave alone.
SEARCH_TABLE_PREFIX = "ideas_fts"
SEARCH_INDEX = "ix_ideas_search"

_SQLITE = [
    "CREATE VIRTUAL TABLE ideas_fts USING fts5(title, body, content='ideas', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER ideas_fts_insert AFTER INSERT ON ideas BEGIN "
    "INSERT INTO ideas_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER ideas_fts_delete AFTER DELETE ON ideas BEGIN "
    "INSERT INTO ideas_fts(ideas_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER ideas_fts_update AFTER UPDATE OF title, body ON ideas BEGIN "
    "INSERT INTO ideas_fts(ideas_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO ideas_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "INSERT INTO ideas_fts(ideas_fts) VALUES ('rebuild')",
]


def create_idea_search(bind) -> None:
    if bind.dialect.name == "sqlite":
        for statement in _SQLITE:
            bind.execute(text(statement))
    elif bind.dialect.name == "postgresql":
        bind.execute(text(f"CREATE INDEX {SEARCH_INDEX} ON ideas USING GIN (({PG_DOCUMENT}))"))


def drop_idea_search(bind) -> None:
    if bind.dialect.name == "sqlite":
        for trigger in ("ideas_fts_insert", "ideas_fts_delete", "ideas_fts_update"):
            bind.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        bind.execute(text("DROP TABLE IF EXISTS ideas_fts"))
    elif bind.dialect.name == "postgresql":
        bind.execute(text(f"DROP INDEX IF EXISTS {SEARCH_INDEX}"))


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's comparisons: skip the search objects above."""
    if type_ == "table" and name and name.startswith(SEARCH_TABLE_PREFIX):
        return False
    return not (type_ == "index" and name == SEARCH_INDEX)
