"""Write services begin with BEGIN IMMEDIATE, so on SQLite they queue behind another writer
instead of failing with "database is locked"; a service called from inside another's write
transaction joins it instead of committing the outer one's half-done work."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import db_types
from app.db_types import write_transaction
from ideas.models import Comment, Follow, Idea
from ideas.moderation.models import Flag
from ideas.moderation.services import flag
from ideas.services.comments import post_comment
from ideas.services.follows import follow, unfollow
from ideas.services.ideas import IdeaInput, submit_idea
from tests.support.factories import make_board, make_idea, make_org, seasoned_user
from tests.support.sqlite_lock import another_writer


@pytest.fixture
def idea(app, db):
    return make_idea(make_board(make_org()))


def test_a_comment_waits_for_another_writer(sqlite_only, db, idea):
    author = seasoned_user()
    with another_writer(db):
        comment = post_comment(author, idea, "Posted while a job was writing")
    assert db.session.get(Comment, comment.id).body == "Posted while a job was writing"
    assert db.session.get(Idea, idea.id).comment_count == 1


def test_a_flag_waits_for_another_writer(sqlite_only, db, idea):
    reporter = seasoned_user()
    with another_writer(db):
        item = flag(reporter, "idea", idea.id, "spam")
    assert item is not None and db.session.scalar(select(Flag.reporter_id)) == reporter.id


def test_an_idea_waits_for_another_writer(sqlite_only, db, idea):
    author = seasoned_user()
    with another_writer(db):
        submitted = submit_idea(author, idea.board, IdeaInput("Submitted while a job was writing"))
    assert db.session.get(Idea, submitted.id).title == "Submitted while a job was writing"


def test_a_nested_service_does_not_commit_the_outer_transaction(db, idea):
    member = seasoned_user()
    idea_id, title = idea.id, idea.title
    with pytest.raises(RuntimeError), write_transaction(db.session):
        db.session.get(Idea, idea_id).title = "Renamed, then abandoned"
        follow(member, db.session.get(Idea, idea_id), commit=False)
        raise RuntimeError("the outer service fails after the nested one ran")
    assert db.session.get(Idea, idea_id).title == title
    assert db.session.scalar(select(Follow.id).where(Follow.user_id == member.id)) is None


def test_a_service_after_a_commit_begins_its_own_write_transaction(db, idea, monkeypatch):
    member = seasoned_user()
    begun = []
    begin_write = db_types.begin_write
    monkeypatch.setattr(db_types, "begin_write", lambda session: (begun.append(1), begin_write(session)))
    with write_transaction(db.session):
        follow(member, idea, commit=False)
        assert len(begun) == 1  # joined the outer transaction
        db.session.commit()
        unfollow(member, idea)
        assert len(begun) == 2  # the outer one had ended with the commit
    assert db.session.scalar(select(Follow.id).where(Follow.user_id == member.id)) is None


def test_a_write_service_that_changes_nothing_still_releases_the_lock(sqlite_only, db):
    import sqlite3

    from app.auth import services as auth_services
    from tests.support.factories import make_user

    make_user("taken@example.com")
    auth_services.register("taken@example.com", "correct-horse-battery-9", "Someone")  # finds the account
    assert not db_types.in_write_transaction(db.session)
    other = sqlite3.connect(db.engine.url.database, timeout=0.1)
    try:
        other.execute("BEGIN IMMEDIATE")  # another writer gets in at once: the lock is free
        other.execute("ROLLBACK")
    finally:
        other.close()
