"""Judging builders: a challenge whose deadline has passed with submissions in it, judges, and
scorecards given in criterion order."""

from __future__ import annotations

from datetime import timedelta

from app.clock import utcnow
from tests.support.challenges import make_challenge, make_submission
from tests.support.factories import add_member


def closed_challenge(submissions: int = 3, organisation=None, **overrides):
    """A funded challenge whose deadline passed a week ago, with `submissions` from new solvers
    (the first submitted first). Returns (challenge, [submissions])."""
    start = utcnow() - timedelta(days=10)
    challenge = make_challenge(organisation, now=start, deadline=start + timedelta(days=3), **overrides)
    entries = [
        make_submission(challenge, title=f"Solution number {n}", now=start + timedelta(hours=n))
        for n in range(1, submissions + 1)
    ]
    return challenge, entries


def make_judge(challenge, user=None):
    return add_member(challenge.organisation, user, "judge")


def owner_of(challenge):
    return challenge.organisation.memberships[0].user


def give_scores(judge, submission, *values: int, comments: tuple[str, ...] = ()):
    """`values` (and optional comments) for the challenge's criteria in their order."""
    from challenges.services import judging

    criteria = submission.challenge.criteria
    return judging.score(
        judge,
        submission,
        {c.id: v for c, v in zip(criteria, values)},
        {c.id: text for c, text in zip(criteria, comments)},
    )
