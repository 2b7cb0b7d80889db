"""Ranking formulas: pure functions, each stored in an indexed column of the idea.

Time-decaying keys are stored so that comparing two stored values compares the decayed values
at any moment: Hot adds a time term instead of dividing by age, and Trending stores the
base-2 logarithm of an exponentially *inflated* activity sum. Neither needs a periodic rewrite
to stay in order; `flask ranking refresh` recomputes them from the votes and comments tables.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
HOT_SECONDS_PER_DECADE = 45_000  # Reddit's constant: 12.5 hours of age weigh one tenfold of score
TRENDING_HALF_LIFE_HOURS = 48.0
TRENDING_COMMENT_WEIGHT = 2.0  # a comment is more effort than a click
EMPTY = -1.0e9  # the stored Trending value of an idea with no activity: 2**EMPTY is 0


def top(upvotes: int, downvotes: int) -> int:
    """Top: the net score, top = upvotes - downvotes."""
    return upvotes - downvotes


def wilson_lower_bound(upvotes: int, downvotes: int, z: float = 1.959964) -> float:
    """Confidence: the lower bound of the Wilson score interval for the share of up-votes,

        (p + z²/2n - z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n),   p = up/n, n = up + down,

    at 95 % (z = 1.96). 0 when there are no votes. Ranks 90 up/10 down above 3 up/0 down."""
    n = upvotes + downvotes
    if n == 0:
        return 0.0
    p = upvotes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    return (centre - spread) / (1 + z2 / n)


def hot(score: int, created_at: datetime) -> float:
    """Hot (Reddit): sign(s) · log10(max(|s|, 1)) + (created_at - epoch) / 45 000 s.

    A newer idea needs tenfold the score to fall 12.5 hours behind; the value depends only on
    the score and the creation time, so it is updated with each vote and never goes stale."""
    order = math.log10(max(abs(score), 1))
    sign = (score > 0) - (score < 0)
    return round(sign * order + (created_at - EPOCH).total_seconds() / HOT_SECONDS_PER_DECADE, 7)


def _hours(at: datetime) -> float:
    return (at - EPOCH).total_seconds() / 3600


def trending_add(stored: float, weight: float, at: datetime) -> float:
    """Trending: add activity of `weight` at time `at`.

    The decayed activity at time t is  Σ wᵢ · 2^(-(t - tᵢ)/H)  with half-life H = 48 h.
    Every term shares the factor 2^(-t/H), so the order at any t is the order of
    Σ wᵢ · 2^(tᵢ/H); this function keeps the log2 of that sum (log-sum-exp, no overflow)."""
    if weight <= 0:
        return stored
    term = math.log2(weight) + _hours(at) / TRENDING_HALF_LIFE_HOURS
    high, low = max(stored, term), min(stored, term)
    return high + math.log2(1 + 2 ** (low - high))


def trending_remove(stored: float, weight: float, at: datetime) -> float:
    """Take back activity added by `trending_add(…, weight, at)` (a retracted vote)."""
    if weight <= 0 or stored <= EMPTY:
        return stored
    term = math.log2(weight) + _hours(at) / TRENDING_HALF_LIFE_HOURS
    if term >= stored - 1e-9:
        return EMPTY
    return stored + math.log2(1 - 2 ** (term - stored))


def trending_now(stored: float, now: datetime) -> float:
    """The decayed activity an idea has at `now` (for display): 2^(stored - now/H)."""
    if stored <= EMPTY:
        return 0.0
    return 2 ** (stored - _hours(now) / TRENDING_HALF_LIFE_HOURS)


SORTS = {
    # sort name: (label, the Idea column it reads, description)
    "top": ("Top", "score", "Most net votes"),
    "hot": ("Hot", "hot_rank", "Votes, with newer ideas favoured"),
    "trending": ("Trending", "trending_rank", "Most votes and comments in the last days"),
    "new": ("New", "created_at", "Newest first"),
    "discussed": ("Most discussed", "comment_count", "Most comments"),
    "confidence": ("Confidence", "confidence_rank", "Best share of up-votes (boards with down-votes)"),
}
