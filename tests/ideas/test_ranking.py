"""Ranking formulas against values computed by hand, and orders that move with the clock."""

import re
from datetime import timedelta

import pytest
import time_machine

from ideas import ranking
from ideas.ranking import EPOCH


def test_top_is_the_net_score():
    assert ranking.top(10, 3) == 7 and ranking.top(0, 2) == -2


def test_wilson_lower_bound_matches_hand_computed_values():
    assert ranking.wilson_lower_bound(0, 0) == 0.0
    # n=1, p=1, z=1.96: (1 + 1.92082 - 1.96*sqrt(0 + 0.96040)) / (1 + 3.84163) = 0.20654
    assert ranking.wilson_lower_bound(1, 0) == pytest.approx(0.20654, abs=1e-5)
    # n=100, p=0.9: (0.9 + 0.019208 - 1.96*sqrt((0.09 + 0.0096040)/100)) / 1.0384163 = 0.82555
    assert ranking.wilson_lower_bound(90, 10) == pytest.approx(0.82555, abs=1e-4)
    # Many votes, mostly positive beat a few unanimous ones.
    assert ranking.wilson_lower_bound(90, 10) > ranking.wilson_lower_bound(3, 0)


def test_hot_matches_hand_computed_values():
    day_one = EPOCH + timedelta(days=1)  # 86 400 s / 45 000 = 1.92
    assert ranking.hot(0, day_one) == pytest.approx(1.92)
    assert ranking.hot(100, day_one) == pytest.approx(2 + 1.92)
    assert ranking.hot(-10, day_one) == pytest.approx(-1 + 1.92)
    # Tenfold the score is worth 12.5 hours of age.
    assert ranking.hot(10, day_one) == pytest.approx(ranking.hot(1, day_one + timedelta(hours=12.5)))


def test_trending_sum_decays_with_a_48_hour_half_life():
    at = EPOCH + timedelta(days=10)
    stored = ranking.trending_add(ranking.EMPTY, 1.0, at)
    stored = ranking.trending_add(stored, 2.0, at)
    assert ranking.trending_now(stored, at) == pytest.approx(3.0)
    assert ranking.trending_now(stored, at + timedelta(hours=48)) == pytest.approx(1.5)
    assert ranking.trending_now(stored, at + timedelta(hours=96)) == pytest.approx(0.75)
    back = ranking.trending_remove(stored, 2.0, at)
    assert ranking.trending_now(back, at) == pytest.approx(1.0)
    assert ranking.trending_remove(back, 1.0, at) == ranking.EMPTY
    assert ranking.trending_now(ranking.EMPTY, at) == 0.0


def test_trending_keys_compare_like_the_decayed_values_at_any_time():
    start = EPOCH + timedelta(days=100)
    burst_then = ranking.EMPTY  # 10 votes three days ago
    for minute in range(10):
        burst_then = ranking.trending_add(burst_then, 1.0, start + timedelta(minutes=minute))
    steady_now = ranking.EMPTY  # 3 votes just now
    for minute in range(3):
        steady_now = ranking.trending_add(steady_now, 1.0, start + timedelta(hours=72, minutes=minute))
    later = start + timedelta(hours=73)
    assert (steady_now > burst_then) == (
        ranking.trending_now(steady_now, later) > ranking.trending_now(burst_then, later)
    )
    # 10 votes 73 hours ago weigh 10 · 2^(-73/48) = 3.49; 3 votes an hour ago 3 · 2^(-1/48) = 2.96.
    expected = sum(2 ** (-(73 * 60 - minute) / (48 * 60)) for minute in range(10))
    assert ranking.trending_now(burst_then, later) == pytest.approx(expected, rel=1e-9)
    assert burst_then > steady_now


def test_every_ranking_formula_is_documented():
    for function in (ranking.top, ranking.wilson_lower_bound, ranking.hot, ranking.trending_add):
        assert function.__doc__ and re.search(r"[=·Σ]", function.__doc__)


def _titles(html):
    return re.findall(r'class="idea-row-title"><a href="/ideas/\d+">([^<]+)</a>', html)


def test_hot_and_trending_orders_move_as_time_passes(app, client, db):
    """Three days on, a fresh idea with two votes leads Hot, an idea with recent votes leads
    Trending, and the old idea with the most votes still leads Top."""
    from tests.support.factories import make_board, make_idea, make_org, seasoned_user
    from voting.services import cast_vote

    board = make_board(make_org(slug="acme"), slug="dash")

    def first(sort):
        return _titles(client.get(f"/boards/acme/dash?sort={sort}").get_data(as_text=True))[0]

    with time_machine.travel(EPOCH + timedelta(days=200), tick=False) as clock:
        veteran = make_idea(board, title="Veteran idea with many votes")
        for _ in range(8):
            cast_vote(seasoned_user(), veteran, 1)
        clock.shift(timedelta(hours=2))
        newcomer = make_idea(board, title="Newcomer idea gaining votes")
        cast_vote(seasoned_user(), newcomer, 1)
        assert first("hot") == first("trending") == first("top") == veteran.title

        clock.shift(timedelta(days=3))
        for _ in range(3):  # 3 + 1 · 2^(-72/48) = 3.35 beats 8 · 2^(-74/48) = 2.74
            cast_vote(seasoned_user(), newcomer, 1)
        fresh = make_idea(board, title="Fresh idea posted today")
        for _ in range(2):
            cast_vote(seasoned_user(), fresh, 1)
        assert first("hot") == fresh.title
        assert first("trending") == newcomer.title
        assert first("top") == veteran.title
