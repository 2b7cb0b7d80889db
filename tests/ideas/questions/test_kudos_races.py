"""50 members give kudos to one answer at the same moment, each on a session and connection of
its own against the real database (SQLite or PostgreSQL, TEST_DATABASE_URL); some click twice,
some take theirs back. Afterwards the counter equals the rows, and the answerer's points equal
what the rows earned (capped per day)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db as _db
from app.reputation import services as reputation
from app.reputation.points import KUDOS_DAILY_CAP, POINTS
from ideas.questions.models import Answer, AnswerKudos
from ideas.questions.services import kudos
from tests.ideas.questions.conftest import answer, ask
from tests.support.factories import seasoned_user

CLIENTS = 50


def test_concurrent_kudos_are_never_lost_or_doubled(app, community, db):
    question = ask(community)
    reply = answer(question, community.answerer)
    user_ids = [seasoned_user().id for _ in range(CLIENTS)]
    answer_id = reply.id
    barrier = threading.Barrier(CLIENTS)
    errors: list[BaseException] = []

    def member(n: int) -> None:
        barrier.wait()  # before taking a connection: the pool holds fewer than 50, and waiting is part of the race
        with app.app_context():  # a session of its own
            try:
                user = _db.session.get(User, user_ids[n])
                target = _db.session.get(Answer, answer_id)
                kudos.give_kudos(user, target)
                if n % 5 == 0:
                    kudos.give_kudos(user, target)  # a double click
                if n % 7 == 0:
                    kudos.take_back_kudos(user, target)
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(member, range(CLIENTS)))
    assert errors == []

    db.session.rollback()  # end the test's own read snapshot: read what the members wrote
    rows = db.session.scalar(select(func.count()).select_from(AnswerKudos).where(AnswerKudos.answer_id == answer_id))
    taken_back = len([n for n in range(CLIENTS) if n % 7 == 0])
    assert rows == CLIENTS - taken_back
    assert db.session.get(Answer, answer_id).kudos_count == rows
    # Points: the cap was reached and never passed; a kudos taken back took back what it earned.
    earned = reputation.total_of(community.answerer.id, community.org.id)
    assert KUDOS_DAILY_CAP - taken_back * POINTS["kudos"] <= earned <= KUDOS_DAILY_CAP
    assert earned % POINTS["kudos"] == 0
