"""Funding, payouts and refunds through the services, the real SDK and the emulator."""

import pytest
import time_machine

from app.errors_domain import Conflict
from challenges.models import AwardState, State
from challenges.payments import connect, funding, ledger, reports, settle, webhooks
from challenges.payments.models import PaymentState, Payout, PayoutAccount, PayoutState, Refund
from challenges.services import awards, posting
from tests.payments.flows import after_deadline, awaiting, checkout, funded, owner
from tests.support.judging import give_scores, make_judge

SETTLE_BY_HAND = True


def onboard(ctl, user):
    connect.onboarding_link(user, "http://app.test/refresh", "http://app.test/return")
    account = connect.account_of(user)
    ctl.complete_onboarding(account.account_id)
    webhooks.sync()
    return connect.account_of(user)


def test_checkout_shows_fee_and_opens_only_on_confirmation(app, db, ctl):
    challenge = awaiting(reward=100_000)
    assert funding.quote(challenge)["total"] == 105_000
    payment = checkout(challenge)
    assert (payment.reward_amount, payment.fee_amount, payment.state) == (100_000, 5_000, PaymentState.OPEN)
    session = ctl.objects("checkout.session")[0]
    assert session["amount_total"] == 105_000 and session["metadata"]["challenge_id"] == str(challenge.id)
    webhooks.sync()
    db.session.refresh(challenge)
    assert challenge.state == State.AWAITING_FUNDING

    ctl.pay_checkout(payment.session_id)
    webhooks.sync()
    webhooks.sync()  # applying the same events again changes nothing
    db.session.refresh(challenge)
    assert challenge.state == State.OPEN and challenge.funded_amount == 100_000
    assert ledger.challenge_totals(challenge.id, "usd") == {
        "funded": 100_000,
        "awarded": 0,
        "refunded": 0,
        "held": 100_000,
    }
    assert ledger.unbalanced_journals() == []


def test_failed_bank_payment_and_expiry_leave_it_awaiting_funding_with_a_message(app, db, ctl):
    challenge = awaiting()
    payment = checkout(challenge)
    ctl.pay_checkout(payment.session_id, "bank_fail")
    webhooks.sync()
    db.session.refresh(payment)
    assert payment.state == PaymentState.PROCESSING
    ctl.settle_checkout(payment.session_id)
    webhooks.sync()
    db.session.refresh(payment), db.session.refresh(challenge)
    assert payment.state == PaymentState.FAILED and "bank payment failed" in payment.message
    assert challenge.state == State.AWAITING_FUNDING

    second = checkout(challenge)
    assert second.id != payment.id
    ctl.expire_checkout(second.session_id)
    webhooks.sync()
    db.session.refresh(second)
    assert second.state == PaymentState.EXPIRED and "expired" in second.message


def test_split_award_pays_onboarded_winners_and_the_third_when_onboarded(app, db, ctl):
    challenge, entries, payment = funded(ctl)
    first, second, third = (entry.solver for entry in entries)
    onboard(ctl, first), onboard(ctl, second)
    made = awards.award(
        owner(challenge),
        challenge,
        [(e.id, a) for e, a in zip(entries, (60_000, 30_000, 10_000))],
        now=after_deadline(challenge),
    )
    settle.settle(challenge.id)
    rows = {p.user_id: p for p in db.session.query(Payout)}
    assert {u.id: rows[u.id].state for u in (first, second, third)} == {
        first.id: PayoutState.PAID,
        second.id: PayoutState.PAID,
        third.id: PayoutState.PENDING,
    }
    transfers = ctl.objects("transfer")
    assert sorted(t["amount"] for t in transfers) == [30_000, 60_000]
    assert {t["source_transaction"] for t in transfers} == {payment.charge_id}
    assert {t["transfer_group"] for t in transfers} == {f"challenge_{challenge.id}"}

    onboard(ctl, third)  # account.updated pays what waited
    db.session.expire_all()
    assert db.session.get(Payout, rows[third.id].id).state == PayoutState.PAID
    assert {a.state for a in made} == {AwardState.PAID}
    assert db.session.get(type(challenge), challenge.id).state == State.PAID
    assert ledger.challenge_totals(challenge.id, "usd") == {
        "funded": 100_000,
        "awarded": 100_000,
        "refunded": 0,
        "held": 0,
    }
    assert reports.reconcile() == []


def test_timeout_is_retried_with_the_same_key_and_failure_is_retryable(app, db, ctl):
    challenge, entries, _ = funded(ctl, submissions=1)
    onboard(ctl, entries[0].solver)
    ctl.inject_fault("timeout", path="/v1/transfers")
    awards.award(owner(challenge), challenge, [(entries[0].id, 100_000)], now=after_deadline(challenge))
    settle.settle(challenge.id)
    payout = db.session.query(Payout).one()
    assert payout.state == PayoutState.IN_TRANSIT and "did not answer" in payout.message
    assert len(ctl.objects("transfer")) == 1  # Stripe did it; we did not hear back
    settle.settle(challenge.id)
    db.session.refresh(payout)
    assert payout.state == PayoutState.PAID and len(ctl.objects("transfer")) == 1

    ctl.reverse_transfer(payout.transfer_id)
    webhooks.sync()
    db.session.refresh(payout)
    assert payout.state == PayoutState.REVERSED
    from challenges.payments import payouts

    payouts.retry(entries[0].solver, payout)
    db.session.refresh(payout)
    assert payout.state == PayoutState.PAID and payout.attempt == 2 and len(ctl.objects("transfer")) == 2
    assert reports.reconcile() == []


def test_cancel_before_submissions_refunds_everything(app, db, ctl):
    challenge, _, payment = funded(ctl, submissions=0)
    posting.cancel(owner(challenge), challenge, "The team was reorganised, sorry.")
    settle.settle(challenge.id)
    refund = db.session.query(Refund).one()
    assert (refund.state, refund.amount) == ("succeeded", 105_000)
    assert ctl.objects("refund")[0]["amount"] == 105_000
    assert ledger.challenge_totals(challenge.id, "usd")["held"] == 0
    assert reports.reconcile() == []


def test_no_winner_after_submissions_keeps_the_fee(app, db, ctl):
    challenge, _, payment = funded(ctl)
    awards.declare_no_winner(
        owner(challenge), challenge, "Nothing met the bar this time.", now=after_deadline(challenge)
    )
    settle.settle(challenge.id)
    refund = db.session.query(Refund).one()
    assert (refund.reward_part, refund.fee_part, refund.reason) == (100_000, 0, "No winner")
    totals = ledger.challenge_totals(challenge.id, "usd")
    assert totals["funded"] == totals["awarded"] + totals["refunded"] + totals["held"] == 100_000
    assert totals["held"] == 0
    assert reports.reconcile() == []


def test_partial_award_refunds_the_remainder(app, db, ctl):
    challenge, entries, _ = funded(ctl)
    awards.award(owner(challenge), challenge, [(entries[0].id, 70_000)], now=after_deadline(challenge))
    settle.settle(challenge.id)
    refund = db.session.query(Refund).one()
    assert refund.amount == 30_000 and refund.state == "succeeded"
    assert ledger.challenge_totals(challenge.id, "usd") == {
        "funded": 100_000,
        "awarded": 70_000,
        "refunded": 30_000,
        "held": 0,
    }


def test_a_second_payment_for_a_funded_challenge_is_refunded_whole(app, db, ctl):
    challenge = awaiting()
    one, two = checkout(challenge), checkout(challenge)
    ctl.pay_checkout(one.session_id), ctl.pay_checkout(two.session_id)
    webhooks.sync()
    db.session.refresh(one), db.session.refresh(two), db.session.refresh(challenge)
    # Whichever confirmation came first opened the challenge; the other payment goes back whole.
    assert sorted((one.state, two.state)) == [PaymentState.PAID, PaymentState.UNUSED]
    unused = one if one.state == PaymentState.UNUSED else two
    assert challenge.funding_reference != unused.session_id
    assert [(r["amount"], r["charge"]) for r in ctl.objects("refund")] == [(105_000, unused.charge_id)]
    assert reports.reconcile() == []
    assert db.session.query(PayoutAccount).count() == 0


def test_a_declined_share_is_held_until_passed_on_or_released_and_never_given_twice(app, db, ctl):
    challenge, (a, b, c), _ = funded(ctl, ip_terms="exclusive")
    when = after_deadline(challenge)
    first, second = awards.award(owner(challenge), challenge, [(a.id, 60_000), (b.id, 40_000)], now=when)
    awards.accept_award(a.solver, first, now=when)
    awards.decline_award(b.solver, second, now=when)
    settle.settle(challenge.id)
    assert db.session.query(Refund).count() == 0  # the declined share may still be passed on
    assert ledger.challenge_totals(challenge.id, "usd")["refunded"] == 0

    awards.release_award(owner(challenge), second, now=when)
    settle.settle(challenge.id)
    assert [(r.amount, r.state) for r in db.session.query(Refund)] == [(40_000, "succeeded")]
    with pytest.raises(Conflict, match="released for a refund"):
        awards.pass_award(owner(challenge), second, now=when)
    totals = ledger.challenge_totals(challenge.id, "usd")
    assert totals["refunded"] == 40_000 and totals["funded"] == 100_000
    assert totals["funded"] == totals["awarded"] + totals["refunded"] + totals["held"]
    assert sum(w.amount for w in awards.awards_of(challenge) if w.state in AwardState.LIVE) == 60_000


def test_a_share_passed_on_is_paid_not_refunded(app, db, ctl):
    challenge, (a, b, c), _ = funded(ctl, ip_terms="exclusive")
    when = after_deadline(challenge)
    with time_machine.travel(when):
        judge = make_judge(challenge)
        for entry, value in ((a, 9), (b, 8)):
            give_scores(judge, entry, value, value, value)
    [offer] = awards.award(owner(challenge), challenge, [(a.id, 100_000)], now=when)
    awards.decline_award(a.solver, offer, now=when)
    settle.settle(challenge.id)
    _old, new = awards.pass_award(owner(challenge), offer, now=when)
    awards.accept_award(new.solver, new, now=when)
    onboard(ctl, new.solver)
    settle.settle(challenge.id)
    assert db.session.query(Refund).count() == 0
    assert ledger.challenge_totals(challenge.id, "usd") == {
        "funded": 100_000,
        "awarded": 100_000,
        "refunded": 0,
        "held": 0,
    }


def test_a_refused_refund_is_tried_again_under_a_new_key_once_its_cause_is_dealt_with(app, db, ctl):
    from challenges.payments import gateway, refunds

    challenge, _, payment = funded(ctl, submissions=0)
    ctl.refuse_refunds()
    posting.cancel(owner(challenge), challenge, "The team was reorganised, sorry.")
    settle.settle(challenge.id)
    refund = db.session.query(Refund).one()
    assert refund.state == "failed" and "balance is insufficient" in refund.message
    assert ctl.objects("refund") == [] and ledger.challenge_totals(challenge.id, "usd")["refunded"] == 0

    ctl.refuse_refunds(False)  # the balance is topped up
    # Stripe keeps answering the first key with its refusal: only a new attempt can succeed.
    with pytest.raises(gateway.Refused):
        gateway.create_refund(
            key=refund.idempotency_key,
            charge=payment.charge_id,
            amount=refund.amount,
            metadata={"refund_row": str(refund.id), "challenge_id": str(challenge.id)},
        )
    refund = refunds.retry(owner(challenge), refund)
    assert (refund.state, refund.attempt, refund.message) == ("succeeded", 2, "")
    assert [r["amount"] for r in ctl.objects("refund")] == [105_000]
    assert ledger.challenge_totals(challenge.id, "usd")["held"] == 0
    assert reports.reconcile() == []
    with pytest.raises(Conflict, match="has been made"):
        refunds.retry(owner(challenge), refund)
