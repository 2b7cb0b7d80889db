"""Read-only views of the money: per solver, per organisation, for site admins, and the
reconciliation of the ledger with Stripe."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from challenges.models import Award, AwardState, Challenge
from challenges.payments import gateway, ledger
from challenges.payments.models import Payment, PaymentState, Payout, PayoutState, Refund, RefundState
from challenges.services import awards


def earnings(user_id: int) -> dict:
    """The winner's payouts, and the awards they won that have no payout yet: offers waiting for
    their acceptance, and accepted awards of a challenge whose funding payment is not here."""
    rows = list(db.session.scalars(select(Payout).where(Payout.user_id == user_id).order_by(Payout.id.desc())))
    unpaid = list(
        db.session.scalars(
            select(Award)
            .where(
                Award.solver_id == user_id,
                Award.state.in_((AwardState.OFFERED, AwardState.ACCEPTED)),
                ~select(Payout.id).where(Payout.award_id == Award.id).exists(),
            )
            .order_by(Award.id.desc())
        )
    )
    now = utcnow()
    return {
        "payouts": rows,
        "states": PayoutState,
        "awards": [(award, awards.phase(award, now)) for award in unpaid],
        "award_states": AwardState,
        "challenges": {
            c.id: c
            for c in db.session.scalars(
                select(Challenge).where(
                    Challenge.id.in_({p.challenge_id for p in rows} | {a.challenge_id for a in unpaid})
                )
            )
        },
    }


def billing(organisation_id: int) -> dict:
    challenges = list(
        db.session.scalars(
            select(Challenge).where(Challenge.organisation_id == organisation_id).order_by(Challenge.id.desc())
        )
    )
    ids = [c.id for c in challenges]
    payments = list(
        db.session.scalars(select(Payment).where(Payment.challenge_id.in_(ids)).order_by(Payment.id.desc()))
    )
    rows = []
    for challenge in challenges:
        totals = ledger.challenge_totals(challenge.id, challenge.currency)
        paid = sum(
            p.amount
            for p in db.session.scalars(
                select(Payout).where(Payout.challenge_id == challenge.id, Payout.state == PayoutState.PAID)
            )
        )
        if any(totals.values()):
            rows.append((challenge, totals, paid))
    return {
        "rows": rows,
        "payments": payments,
        "payment_states": PaymentState,
        "refund_states": RefundState,
        "refunds": list(db.session.scalars(select(Refund).where(Refund.challenge_id.in_(ids)))),
    }


def overview() -> dict:
    payouts = list(db.session.scalars(select(Payout).order_by(Payout.id.desc()).limit(200)))
    return {
        "payout_counts": Counter(p.state for p in payouts),
        "payouts": payouts,
        "payments": list(db.session.scalars(select(Payment).order_by(Payment.id.desc()).limit(50))),
        "unbalanced": ledger.unbalanced_journals(),
        "states": PayoutState,
    }


def reconcile() -> list[str]:
    """Every difference between our rows and Stripe's charges, transfers and refunds (empty: agreed)."""
    problems = [f"journal {ref} does not balance" for ref in ledger.unbalanced_journals()]
    charges = {c.id: c for c in gateway.list_charges()}
    for payment in db.session.scalars(select(Payment).where(Payment.charge_id != "")):
        charge = charges.pop(payment.charge_id, None)
        if charge is None:
            problems.append(f"payment {payment.id}: charge {payment.charge_id} not at Stripe")
        elif charge.amount != payment.total or charge.currency != payment.currency:
            problems.append(
                f"payment {payment.id}: {payment.total} {payment.currency} here, "
                f"{charge.amount} {charge.currency} at Stripe"
            )
    problems += [
        f"charge {c.id} ({c.amount} {c.currency}) has no payment here"
        for c in charges.values()
        if c.status == "succeeded"
    ]
    transfers = {t.id: t for t in gateway.list_transfers()}
    for payout in db.session.scalars(select(Payout).where(Payout.transfer_id != "")):
        transfer = transfers.pop(payout.transfer_id, None)
        if transfer is None:
            problems.append(f"payout {payout.id}: transfer {payout.transfer_id} not at Stripe")
            continue
        if transfer.amount != payout.amount:
            problems.append(f"payout {payout.id}: {payout.amount} here, {transfer.amount} at Stripe")
        if bool(transfer.reversed) != (payout.state == PayoutState.REVERSED):
            problems.append(f"payout {payout.id}: {payout.state} here, reversed={transfer.reversed} at Stripe")
    problems += [
        f"transfer {t.id} ({t.amount}) has no payout here"
        for t in transfers.values()
        if not gateway.metadata(t).get("payout_id") or not _old_attempt(t)
    ]
    refunds = {r.id: r for r in gateway.list_refunds()}
    for refund in db.session.scalars(select(Refund).where(Refund.refund_id != "")):
        remote = refunds.pop(refund.refund_id, None)
        if remote is None or remote.amount != refund.amount:
            problems.append(
                f"refund {refund.id}: {refund.amount} here, {remote.amount if remote else 'nothing'} at Stripe"
            )
    problems += [f"refund {r.id} ({r.amount}) has no refund here" for r in refunds.values()]
    for challenge_id, currency in db.session.execute(select(Payment.challenge_id, Payment.currency).distinct()):
        totals = ledger.challenge_totals(challenge_id, currency)
        if totals["funded"] != totals["awarded"] + totals["refunded"] + totals["held"] or totals["held"] < 0:
            problems.append(f"challenge {challenge_id}: {totals} does not add up")
    pending = db.session.scalars(select(Refund).where(Refund.state == RefundState.PENDING)).all()
    problems += [f"refund {r.id} still pending" for r in pending]
    return problems


def _old_attempt(transfer) -> bool:
    """A transfer of an earlier attempt of a payout that was reversed and paid again is expected."""
    payout = db.session.get(Payout, int(gateway.metadata(transfer)["payout_id"]))
    return payout is not None and bool(transfer.reversed)
