"""The schema comes only from migrations: the migrated database must match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, String, Table

from ideas.search_schema import include_object


def _differences(engine, metadata):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        return compare_metadata(context, metadata)


def test_migrated_schema_matches_the_models(db):
    assert _differences(db.engine, db.metadata) == []


def test_the_check_fails_when_models_and_migrations_differ(db):
    """A model with a column no migration created must be reported."""
    drifted = MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["users"].append_column(Column("nickname", String(40)))
    Table("forgotten_table", drifted, Column("id", Integer, primary_key=True))

    diffs = _differences(db.engine, drifted)
    described = repr(diffs)
    assert "nickname" in described
    assert "forgotten_table" in described
