"""Solver records (entries, wins, earnings per currency) and the leaderboard."""

from __future__ import annotations

from datetime import timedelta

from challenges.services import awards, profiles
from tests.support.challenges import make_submission
from tests.support.factories import make_user
from tests.support.judging import closed_challenge, owner_of
from tests.support.queries import count_queries


def _win(solver, amount: int, currency: str = "usd", ip_terms: str = "non_exclusive"):
    """`solver` enters a closed challenge (beside one rival) and wins `amount`."""
    challenge, _rival = closed_challenge(1, currency=currency, ip_terms=ip_terms)
    entry = make_submission(
        challenge, solver, title="A confidential approach", now=challenge.deadline - timedelta(hours=1)
    )
    awards.award(owner_of(challenge), challenge, [(entry.id, amount)])
    return challenge, entry


def test_wins_and_earnings_per_currency(db):
    solver = make_user(name="Sol Ver")
    _win(solver, 300_000)
    _win(solver, 120_000)
    _win(solver, 50_000, currency="eur")
    _win(solver, 400_000, ip_terms="exclusive")  # offered, not yet accepted: not a win yet
    record = profiles.record(solver)
    assert record.entered == 4 and record.wins == 3
    assert record.earnings == {"eur": 50_000, "usd": 420_000}
    assert sorted(a.amount for a in record.won) == [50_000, 120_000, 300_000]


def test_the_leaderboard_ranks_by_earnings_then_wins_in_one_query(db):
    # Tied comes first by id but has fewer wins than Modest for the same earnings.
    rich, busy, tied, modest = (make_user(name=name) for name in ("Rich", "Busy", "Tied", "Modest"))
    _win(rich, 500_000)
    _win(busy, 100_000)
    _win(busy, 100_000)
    _win(tied, 100_000)
    _win(modest, 100_000)
    _win(modest, 100_000, currency="eur")
    make_user(name="Never won")
    db.session.expire_all()
    with count_queries(db.engine) as statements:
        rows = profiles.leaderboard("usd")
        names = [(row.user.display_name, row.earned, row.wins) for row in rows]
    assert len(statements) == 1
    assert names == [("Rich", 500_000, 1), ("Busy", 200_000, 2), ("Modest", 100_000, 2), ("Tied", 100_000, 1)]
    assert [row.user.display_name for row in profiles.leaderboard("eur")] == ["Modest"]


def test_profile_and_leaderboard_pages(app, db):
    solver = make_user(name="Sol Ver")
    challenge, _ = _win(solver, 300_000)
    page = app.test_client().get(f"/solvers/{solver.id}").get_data(as_text=True)
    assert "$3,000" in page and challenge.title in page
    assert "A confidential approach" not in page  # what was submitted stays confidential
    board = app.test_client().get("/challenges/leaderboard").get_data(as_text=True)
    assert "Sol Ver" in board and "$3,000" in board
    profile = app.test_client().get(f"/people/{solver.id}").get_data(as_text=True)
    assert f"/solvers/{solver.id}" in profile
    assert app.test_client().get("/solvers/999999").status_code == 404
