"""50 concurrent clients vote, switch and retract on a live server. Afterwards the votes table
holds exactly what each client was last told, every counter equals the votes table, and no
budget is overspent. Runs on SQLite and PostgreSQL alike (TEST_DATABASE_URL)."""

from __future__ import annotations

import http.client
import random
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

from sqlalchemy import func, select

from app.auth import services as auth_services
from ideas.counters import verify
from ideas.models import Idea, Vote
from tests.support.factories import make_board, make_idea, make_org, seasoned_user
from tests.support.live_server import serving, session_cookie
from voting.models import VoteBudget

CLIENTS = 50
ACTIONS_PER_CLIENT = 12
BUDGET = 3


class Voter:
    """One member on their own connection, acting one request at a time, remembering what the
    server answered."""

    def __init__(self, base_url: str, cookie: str, idea_ids: list[int], seed: int):
        parts = urlsplit(base_url)
        self.host, self.port, self.cookie = parts.hostname, parts.port, cookie
        self.ideas, self.random = idea_ids, random.Random(seed)
        self.believed: dict[int, int] = {}  # idea id -> 1 / -1 as last confirmed by the server
        self.statuses: list[int] = []

    def act(self, barrier: threading.Barrier) -> None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        barrier.wait()
        for _ in range(ACTIONS_PER_CLIENT):
            idea_id = self.random.choice(self.ideas)
            value = self.random.choice([1, 1, -1, 0])
            connection.request(
                "POST",
                f"/ideas/{idea_id}/vote",
                body=urlencode({"value": value}),
                headers={
                    "Cookie": self.cookie,
                    "HX-Request": "true",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            response = connection.getresponse()
            html = response.read().decode()
            self.statuses.append(response.status)
            if response.status == 200:
                pressed = re.findall(r'name="value" value="(-?\d)"[^>]*aria-pressed="true"', html)
                # A pressed button offers "0" (take back): which one tells the vote.
                up = 'class="vote-button is-voted"' in html
                down = "vote-down is-voted" in html
                self.believed[idea_id] = 1 if up else -1 if down else 0
                assert len(pressed) <= 1
        connection.close()


def test_concurrent_votes_are_never_lost_doubled_or_overspent(app, app_config, db):
    board = make_board(make_org(slug="acme"), slug="race", downvotes=True, budget=BUDGET)
    ideas = [make_idea(board, title=f"Contested idea number {n}") for n in range(5)]
    users = [seasoned_user() for _ in range(CLIENTS)]
    tokens = [auth_services.start_session(user, remember=False) for user in users]
    config = {**app_config, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}

    with serving(config) as live:
        voters = [
            Voter(live.url, session_cookie(live.app, token), [i.id for i in ideas], seed)
            for seed, token in enumerate(tokens)
        ]
        barrier = threading.Barrier(CLIENTS)
        with ThreadPoolExecutor(CLIENTS) as pool:
            for future in [pool.submit(v.act, barrier) for v in voters]:
                future.result()
        assert live.errors == []

    statuses = [s for v in voters for s in v.statuses]
    assert set(statuses) <= {200, 409}, sorted(set(statuses))
    assert statuses.count(200) > CLIENTS * ACTIONS_PER_CLIENT // 2
    assert 409 in statuses  # the budget did refuse some votes

    db.session.commit()  # end this session's read snapshot (SQLite) to see what the server wrote
    actual = {
        (uid, iid): value for uid, iid, value in db.session.execute(select(Vote.user_id, Vote.idea_id, Vote.value))
    }
    expected = {
        (user.id, idea_id): value
        for user, voter in zip(users, voters)
        for idea_id, value in voter.believed.items()
        if value
    }
    assert actual == expected  # nothing lost, nothing doubled, nothing a client was not told

    assert verify() == []  # every counter equals the votes table
    for user in users:
        held = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.user_id == user.id))
        used = db.session.scalar(select(VoteBudget.used).where(VoteBudget.user_id == user.id)) or 0
        assert held <= BUDGET and used == held
    assert sum(i.upvotes for i in db.session.scalars(select(Idea))) == sum(1 for v in actual.values() if v == 1)


def test_votes_racing_status_changes_keep_budgets_exact_and_never_deadlock(app, app_config, db):
    """A product manager declines and reopens ideas while members vote on them: closing returns
    the votes to their voters' budgets, reopening takes them again. Votes and status changes lock
    the idea before the budgets, so PostgreSQL never finds the two waiting on each other."""
    org = make_org(slug="acme")
    pm = org.memberships[0].user
    board = make_board(org, slug="race", downvotes=True, budget=BUDGET)
    ideas = [make_idea(board, title=f"Contested idea number {n}") for n in range(4)]
    idea_ids = [idea.id for idea in ideas]
    users = [seasoned_user() for _ in range(20)]
    tokens = [auth_services.start_session(user, remember=False) for user in users]
    pm_token = auth_services.start_session(pm, remember=False)
    config = {**app_config, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}

    with serving(config) as live:
        voters = [Voter(live.url, session_cookie(live.app, token), idea_ids, seed) for seed, token in enumerate(tokens)]
        barrier = threading.Barrier(len(voters) + 1)

        def manage() -> list[int]:
            parts, answers, rng = urlsplit(live.url), [], random.Random(7)
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            barrier.wait()
            for n in range(16):
                body = urlencode({"status": "declined" if n % 2 == 0 else "open", "message": ""})
                connection.request(
                    "POST",
                    f"/ideas/{rng.choice(idea_ids)}/status",
                    body=body,
                    headers={
                        "Cookie": session_cookie(live.app, pm_token),
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
                response = connection.getresponse()
                response.read()
                answers.append(response.status)
            connection.close()
            return answers

        with ThreadPoolExecutor(len(voters) + 1) as pool:
            managed = pool.submit(manage)
            for future in [pool.submit(v.act, barrier) for v in voters]:
                future.result()
            assert set(managed.result()) == {303}  # back to the idea, changed or refused with a message
        assert live.errors == []

    statuses = [s for v in voters for s in v.statuses]
    assert set(statuses) <= {200, 409}, sorted(set(statuses))
    db.session.commit()  # end this session's read snapshot (SQLite) to see what the server wrote
    assert verify() == []  # counters equal the votes table
    open_ideas = set(db.session.scalars(select(Idea.id).where(Idea.id.in_(idea_ids), Idea.status == "open")))
    for user in users:
        votes_on = list(db.session.scalars(select(Vote.idea_id).where(Vote.user_id == user.id)))
        used = db.session.scalar(select(VoteBudget.used).where(VoteBudget.user_id == user.id)) or 0
        # Votes on declined ideas stay (and count again if it reopens) but hold no budget.
        assert used == sum(1 for idea_id in votes_on if idea_id in open_ideas)
