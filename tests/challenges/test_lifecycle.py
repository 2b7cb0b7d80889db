"""Posting a challenge and its life: draft, funding, open, closed by the clock, extensions,
judging, cancellation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from app.clock import utcnow
from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from challenges.models import Challenge, DeadlineChange, State
from challenges.services import funding, posting
from tests.support.challenges import challenge_input, fund, make_challenge
from tests.support.factories import add_member, make_org, make_user


def test_posting_creates_a_draft_with_criteria_and_split(db):
    org = make_org()
    challenge = make_challenge(org, state="draft")
    assert challenge.state == State.DRAFT and challenge.phase() == State.DRAFT
    assert [(c.name, c.weight) for c in challenge.criteria] == [("Feasibility", 3), ("Impact", 2), ("Clarity", 1)]
    assert [p.percent for p in challenge.prizes] == [60, 30, 10] and challenge.winner_count == 3
    assert not challenge.is_public


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"split": [60, 30]}, "split"),
        ({"split": [30, 70]}, "split"),
        ({"reward_amount": 100}, "reward_amount"),
        ({"deadline": utcnow() + timedelta(hours=2)}, "deadline"),
        ({"criteria": []}, "criteria"),
        ({"criteria": [("Impact", 0, "")]}, "criteria"),
        ({"currency": "xyz"}, "currency"),
        ({"title": "x"}, "title"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(db, overrides, field):
    org = make_org()
    with pytest.raises(ValidationFailed) as refused:
        posting.create_challenge(org.memberships[0].user, org, challenge_input(**overrides))
    assert field in refused.value.fields
    assert db.session.query(Challenge).count() == 0


def test_only_admins_and_pms_post(db):
    org = make_org()
    judge = add_member(org, None, "judge")
    with pytest.raises(NotAllowed):
        posting.create_challenge(judge, org, challenge_input())
    with pytest.raises(NotAllowed):
        posting.create_challenge(make_user(), org, challenge_input())


def test_funding_opens_the_challenge_once(db):
    challenge = make_challenge(state="awaiting_funding")
    assert challenge.state == State.AWAITING_FUNDING
    fund(challenge)
    fund(challenge)  # a duplicated confirmation changes nothing
    assert challenge.state == State.OPEN and challenge.funded_amount == challenge.reward_amount
    assert challenge.is_public and challenge.opened_at is not None


def test_underpayment_does_not_open(db):
    challenge = make_challenge(state="awaiting_funding")
    with pytest.raises(ValidationFailed):
        funding.mark_funded(challenge.id, challenge.reward_amount - 1, "usd", "short")
    db.session.refresh(challenge)
    assert challenge.state == State.AWAITING_FUNDING and challenge.funded_amount == 0


def test_a_draft_cannot_be_funded(db):
    challenge = make_challenge(state="draft")
    with pytest.raises(Conflict):
        fund(challenge)


def test_closed_is_computed_from_the_clock(db):
    challenge = make_challenge()
    deadline = challenge.deadline
    assert challenge.phase(deadline - timedelta(seconds=1)) == State.OPEN
    assert challenge.phase(deadline) == State.CLOSED
    with time_machine.travel(deadline + timedelta(seconds=1)):
        assert challenge.phase() == State.CLOSED and not challenge.accepts_submissions()


def test_extension_only_later_and_logged(db):
    challenge = make_challenge()
    owner = challenge.organisation.memberships[0].user
    old = challenge.deadline
    with pytest.raises(ValidationFailed, match="never shortened"):
        posting.extend_deadline(owner, challenge, old - timedelta(days=1))
    db.session.refresh(challenge)
    assert challenge.deadline == old
    posting.extend_deadline(owner, challenge, old + timedelta(days=7), "More time for prototypes")
    assert challenge.deadline == old + timedelta(days=7)
    change = db.session.query(DeadlineChange).one()
    assert change.old_deadline == old and change.reason == "More time for prototypes"


def test_judging_starts_only_after_the_deadline(db):
    challenge = make_challenge()
    owner = challenge.organisation.memberships[0].user
    with pytest.raises(Conflict):
        posting.start_judging(owner, challenge)
    with time_machine.travel(challenge.deadline + timedelta(minutes=1)):
        posting.start_judging(owner, challenge)
    assert challenge.state == State.JUDGING
    with pytest.raises(Conflict):
        posting.extend_deadline(owner, challenge, challenge.deadline + timedelta(days=30))


def test_cancelling_an_open_challenge_needs_a_reason(db):
    challenge = make_challenge()
    owner = challenge.organisation.memberships[0].user
    with pytest.raises(ValidationFailed):
        posting.cancel(owner, challenge, "")
    db.session.refresh(challenge)
    assert challenge.state == State.OPEN
    posting.cancel(owner, challenge, "The problem was solved in-house.")
    assert challenge.state == State.CANCELLED and challenge.is_public
    assert funding.refundable_amount(challenge) == challenge.reward_amount


def test_open_challenge_keeps_its_promises(db):
    challenge = make_challenge()
    owner = challenge.organisation.memberships[0].user
    data = challenge_input(
        title="A clearer title for the challenge",
        reward_amount=1_000,
        split=[100],
        eligibility="Open to residents of the EU.",
    )
    posting.update_challenge(owner, challenge, data)
    assert challenge.title == "A clearer title for the challenge"
    assert challenge.reward_amount == 500_000 and [p.percent for p in challenge.prizes] == [60, 30, 10]
    assert challenge.terms_version == 2  # eligibility changed: solvers accept again
