"""Challenge builders: `challenge_input`, `make_challenge` (through the real services, in any state
up to Open), `fund`."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from app.clock import utcnow
from tests.support.factories import make_org

_counter = itertools.count(1)


def challenge_input(**overrides):
    from challenges.services.posting import ChallengeInput

    n = next(_counter)
    fields = dict(
        title=f"Challenge number {n}: cut cold-start time",
        summary="Halve the app's cold-start time on old phones.",
        statement="Our mobile app takes 6 seconds to start on a 2019 phone. **Find a way** to halve it.",
        reward_amount=500_000,
        currency="usd",
        deadline=utcnow() + timedelta(days=30),
        criteria=[("Feasibility", 3, "Can we build it?"), ("Impact", 2, ""), ("Clarity", 1, "")],
        split=[60, 30, 10],
        confidential_material="The profiler traces are in the data room.",
        eligibility="Open to everyone over 18.",
    )
    fields.update(overrides)
    return ChallengeInput(**fields)


def make_challenge(organisation=None, author=None, *, state: str = "open", now: datetime | None = None, **overrides):
    """A challenge posted by `author` (the organisation's owner by default), taken to `state`:
    "draft", "awaiting_funding" or "open" (funded through the funding seam)."""
    from challenges.services import posting

    organisation = organisation or make_org()
    if author is None:
        author = organisation.memberships[0].user
    now = now or utcnow()
    challenge = posting.create_challenge(author, organisation, challenge_input(**overrides), now=now)
    if state in ("awaiting_funding", "open"):
        posting.request_funding(author, challenge, now=now)
    if state == "open":
        fund(challenge, now=now)
    return challenge


def fund(challenge, now: datetime | None = None):
    from challenges.services import funding

    return funding.mark_funded(
        challenge.id, challenge.reward_amount, challenge.currency, f"test-funding-{challenge.id}", now=now
    )


def make_submission(
    challenge,
    solver=None,
    *,
    title: str = "Lazy-load the heavy modules",
    body: str = "Defer the analytics and map SDKs until first use; measured 2.9 s saved.",
    now: datetime | None = None,
):
    """`solver` (a new user by default) accepts the terms and submits through the real services."""
    from challenges.services import solving
    from tests.support.factories import make_user

    solver = solver or make_user()
    solving.accept_agreement(solver, challenge, now=now)
    return solving.submit(solver, challenge, title, body, now=now)
