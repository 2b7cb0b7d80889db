"""`flask db backup DIR` and `flask db restore DIR`: the database and the uploaded files, together.

On SQLite the database is copied with SQLite's online backup API, a consistent snapshot taken
while the site keeps writing; then the upload folder is copied. Files are written before the
rows that name them commit, so every attachment in the snapshot has its file. PostgreSQL has its
own tools (pg_dump and pg_restore, README "Backups"); there the commands copy the uploads only.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import click
from flask import Flask, current_app
from flask_migrate.cli import db as db_cli
from sqlalchemy import text

from app.clock import utcnow
from app.extensions import db

DATABASE_FILE = "app.db"
UPLOADS = "uploads"
MANIFEST = "backup.json"


class BackupError(click.ClickException):
    pass


def _sqlite_path() -> Path | None:
    url = db.engine.url
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def _uploads() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def backup(destination: Path) -> dict:
    """Write the backup into `destination` (a new or empty folder); returns its manifest."""
    destination.mkdir(parents=True, exist_ok=True)
    if any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty; back up into a new folder.")
    source = _sqlite_path()
    if source is not None:
        with sqlite3.connect(source) as live, sqlite3.connect(destination / DATABASE_FILE) as copy:
            live.backup(copy)  # one step: the snapshot of a single moment
    if _uploads().is_dir():
        shutil.copytree(_uploads(), destination / UPLOADS)
    manifest = {
        "taken_at": utcnow().isoformat(),
        "database": "sqlite" if source else db.engine.url.get_backend_name(),
        "schema": db.session.scalar(text("SELECT version_num FROM alembic_version")),
        "files": sum(1 for path in (destination / UPLOADS).rglob("*") if path.is_file()),
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(source: Path, replace: bool = False) -> dict:
    """Put a backup in place of the configured database and upload folder (with the site stopped)."""
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} holds no backup ({MANIFEST} is missing).")
    manifest = json.loads(manifest_path.read_text())
    target = _sqlite_path()
    if manifest["database"] == "sqlite":
        if target is None:
            raise BackupError("This backup is of a SQLite database; DATABASE_URL names another kind.")
        db.session.remove()
        db.engine.dispose()
        if target.exists() and target.stat().st_size and not replace:
            raise BackupError(f"{target} already holds a database; pass --replace to overwrite it.")
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(source / DATABASE_FILE) as saved, sqlite3.connect(target) as live:
            saved.backup(live)
    uploads = _uploads()
    if (source / UPLOADS).is_dir():
        if uploads.exists() and any(uploads.iterdir()) and not replace:
            raise BackupError(f"{uploads} already holds files; pass --replace to overwrite them.")
        shutil.copytree(source / UPLOADS, uploads, dirs_exist_ok=True)
    return manifest


@click.command("backup")
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
def backup_command(destination: Path) -> None:
    """Back up the database (SQLite) and the uploaded files into a new folder."""
    manifest = backup(destination)
    click.echo(f"Backed up to {destination}: schema {manifest['schema']}, {manifest['files']} uploaded files.")
    if manifest["database"] != "sqlite":
        click.echo('The database itself: pg_dump --format=custom --file=ideaforge.dump "$DATABASE_URL" (README).')


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite the database and files that are there.")
def restore_command(source: Path, replace: bool) -> None:
    """Restore a backup made by `flask db backup` (stop the site first)."""
    manifest = restore(source, replace)
    click.echo(f"Restored the backup of {manifest['taken_at']} (schema {manifest['schema']}).")
    click.echo("Run `flask db upgrade` if this release's schema is newer.")


def init_app(app: Flask) -> None:
    db_cli.add_command(backup_command)
    db_cli.add_command(restore_command)
