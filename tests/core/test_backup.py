"""`flask db backup` while the site keeps writing, and `flask db restore` into a fresh database and
upload folder: the restored site serves the same ideas, votes, ledger and attachments."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from sqlalchemy import func, select

from app import create_app
from app.extensions import db as _db
from challenges.models import Attachment
from challenges.payments import ledger
from challenges.payments.models import Account
from challenges.services import solving
from ideas.models import Idea, Vote
from tests.conftest import IsolatedClient
from tests.support.challenges import make_challenge
from tests.support.factories import login, make_board, make_idea, make_org, make_user
from voting.services import cast_vote

UPLOAD = b"Benchmark notes: 40 % faster start-up\n"


def _populate(app):
    org = make_org()
    board = make_board(org)
    ideas = [make_idea(board, title=f"Idea number {n}") for n in range(5)]
    for voter in [make_user() for _ in range(3)]:
        cast_vote(voter, ideas[0], 1)
    challenge = make_challenge(org)
    with _db.session.begin_nested():
        ledger.post(
            "backup-test", "funding", [(Account.CASH, 5000), (Account.escrow(challenge.id), -5000)], "usd", challenge.id
        )
    _db.session.commit()
    solver = make_user()
    solving.accept_agreement(solver, challenge)
    client = app.test_client()
    login(client, solver)
    entry = {
        "title": "Lazy-load the heavy modules",
        "body": "Defer the analytics and map SDKs until first use; details in the files.",
        "files": [(io.BytesIO(UPLOAD), "notes.txt")],
    }
    submitted = client.post(f"/challenges/{challenge.id}/submit", data=entry, content_type="multipart/form-data")
    assert submitted.status_code == 303
    return board, ideas, challenge, solver


def _facts() -> dict:
    return {
        "ideas": sorted(_db.session.scalars(select(Idea.title))),
        "votes": _db.session.scalar(select(func.count()).select_from(Vote)),
        "upvotes": sorted(_db.session.scalars(select(Idea.upvotes))),
        "ledger": ledger.unbalanced_journals(),
    }


def test_a_backup_taken_while_writes_go_on_restores_into_a_fresh_site(
    app, app_config, db, sqlite_only, runner, tmp_path
):
    board, ideas, challenge, solver = _populate(app)
    board_page = f"/boards/{board.organisation.slug}/{board.slug}"
    challenge_id, solver_id = challenge.id, solver.id
    stop = threading.Event()

    def keep_writing():  # as the site would while the backup runs
        with app.app_context():
            author = make_user()
            while not stop.is_set():
                make_idea(board, author=author, title="Written during the backup")

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = runner.invoke(args=["db", "backup", str(tmp_path / "backup")])
    finally:
        stop.set()
        writer.join(10)
    assert result.exit_code == 0, result.output
    assert "1 uploaded files" in result.output
    snapshot_ideas = _count_in(tmp_path / "backup" / "app.db")
    db.session.commit()  # a fresh snapshot of the live database
    written = db.session.scalar(select(func.count()).select_from(Idea).where(Idea.title == "Written during the backup"))
    assert written > 0 and 5 <= snapshot_ideas <= 5 + written  # a consistent moment of a database in use

    fresh = {
        **app_config,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'restored.db'}",
        "UPLOAD_DIR": str(tmp_path / "restored-uploads"),
    }
    restored_app = create_app(fresh)
    restored_app.test_client_class = IsolatedClient
    with restored_app.app_context():  # the CLI runs in the app whose context is current
        restored = restored_app.test_cli_runner().invoke(args=["db", "restore", str(tmp_path / "backup")])
        assert restored.exit_code == 0, restored.output
        facts = _facts()
        attachment = _db.session.scalars(select(Attachment)).one()
        assert len(facts["ideas"]) == snapshot_ideas and facts["votes"] == 3 and facts["ledger"] == []
        assert sorted(facts["upvotes"])[-1] == 3
        assert ledger.challenge_totals(challenge_id, "usd")["held"] == 5000
        client = restored_app.test_client()
        login(client, _db.session.get(type(solver), solver_id))  # the attachment's author
        page = client.get(board_page).get_data(as_text=True)
        assert "Idea number 0" in page
        download = client.get(f"/submissions/{attachment.submission_id}/attachments/{attachment.id}")
        assert download.status_code == 200 and download.data == UPLOAD
        _db.session.remove()
        _db.engine.dispose()


def test_restore_refuses_to_overwrite_a_database_in_use_without_replace(app, db, sqlite_only, runner, tmp_path):
    _populate(app)
    assert runner.invoke(args=["db", "backup", str(tmp_path / "backup")]).exit_code == 0
    again = runner.invoke(args=["db", "backup", str(tmp_path / "backup")])
    assert again.exit_code != 0 and "not empty" in again.output
    refused = runner.invoke(args=["db", "restore", str(tmp_path / "backup")])
    assert refused.exit_code != 0 and "--replace" in refused.output


def _count_in(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM ideas").fetchone()[0]
