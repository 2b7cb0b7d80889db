"""Winners hear when their payout is paid, fails or is reversed. The payments code changes a
payout's state in many places; watching the state here (before each flush, so the notification is
written in the same transaction) keeps every one of them covered."""

from __future__ import annotations

from sqlalchemy import event, inspect

from app.extensions import db
from app.notifications.services import notify
from app.urls import path_for

_registered = False


def _told(payout, state: str) -> None:
    from challenges import money
    from challenges.models import Challenge
    from challenges.payments.models import PayoutState

    challenge = db.session.get(Challenge, payout.challenge_id)
    amount = money.format_money(payout.amount, payout.currency)
    title = challenge.title if challenge else "a challenge"
    if state == PayoutState.PAID:
        notify(
            [payout.user_id],
            "payout.paid",
            f"Your {amount} payout for “{title}” has been sent.",
            path_for("payments.earnings"),
        )
    else:
        what = "failed" if state == PayoutState.FAILED else "was reversed"
        notify(
            [payout.user_id],
            "payout.failed",
            f"Your {amount} payout for “{title}” {what}: {payout.message or 'see your earnings page'}",
            path_for("payments.earnings"),
        )


def register() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    from challenges.payments.models import Payout, PayoutState

    watched = (PayoutState.PAID, PayoutState.FAILED, PayoutState.REVERSED)

    @event.listens_for(db.session, "before_flush")
    def _payout_states(session, flush_context, instances):
        for obj in list(session.dirty):
            if not isinstance(obj, Payout):
                continue
            history = inspect(obj).attrs.state.history
            if history.added and history.added[0] in watched and history.added[0] not in history.deleted:
                _told(obj, history.added[0])
