"""Property: whatever happens to a funded challenge (awards, onboarding, failed and reversed
transfers, retries, timeouts, cancellation), every journal balances, escrow never goes negative,
funded = awarded + refunded + held, and the ledger reconciles with Stripe."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from challenges.models import Challenge
from challenges.payments import connect, ledger, payouts, reports, settle, webhooks
from challenges.payments.models import Payout, PayoutState
from challenges.services import awards
from tests.payments.flows import after_deadline, funded, owner

STEPS = st.lists(st.sampled_from(["onboard", "timeout", "error", "reverse", "retry", "sync"]), max_size=6)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(shares=st.lists(st.integers(1, 40_000), min_size=0, max_size=3), cancel=st.booleans(), steps=STEPS)
def test_any_sequence_keeps_the_books(app, ctl, shares, cancel, steps):
    ctl.clear_faults()
    challenge, entries, payment = funded(ctl, submissions=3)
    if cancel or not shares:
        awards.declare_no_winner(
            owner(challenge), challenge, "Nothing met the bar this time.", now=after_deadline(challenge)
        )
    else:
        awards.award(
            owner(challenge), challenge, list(zip((e.id for e in entries), shares)), now=after_deadline(challenge)
        )
    settle.settle(challenge.id)
    for step in steps:
        rows = db.session.query(Payout).filter_by(challenge_id=challenge.id).all()
        if step == "onboard":
            for entry in entries:
                if connect.account_of(entry.solver) is None:
                    connect.onboarding_link(entry.solver, "http://app.test/r", "http://app.test/b")
                    ctl.complete_onboarding(connect.account_of(entry.solver).account_id)
                    break
            webhooks.sync()
        elif step in ("timeout", "error"):
            ctl.inject_fault("timeout" if step == "timeout" else "error_500", path="/v1/transfers")
            settle.settle(challenge.id)
        elif step == "reverse":
            paid = [p for p in rows if p.state == PayoutState.PAID]
            if paid:
                ctl.reverse_transfer(paid[0].transfer_id)
                webhooks.sync()
        elif step == "retry":
            for row in rows:
                if row.state != PayoutState.PAID:
                    payouts.retry(_user(row), row)
        else:
            webhooks.sync()
        _check(challenge.id)
    ctl.clear_faults()
    webhooks.sync()
    _check(challenge.id)
    assert reports.reconcile() == []


def _user(payout):
    from app.auth.models import User

    return db.session.get(User, payout.user_id)


def _check(challenge_id):
    db.session.expire_all()
    assert ledger.unbalanced_journals() == []
    totals = ledger.challenge_totals(challenge_id, "usd")
    assert totals["held"] >= 0
    assert totals["funded"] == totals["awarded"] + totals["refunded"] + totals["held"] == 100_000
    challenge = db.session.get(Challenge, challenge_id)
    if challenge.state == "cancelled":
        assert totals["held"] == 0 and totals["refunded"] == 100_000
