"""Winners hear when their payout is paid, fails or is reversed: a subscriber to the payout's
state changes, told in the same transaction as the change."""

from __future__ import annotations

from app import events
from app.extensions import db
from app.notifications.services import notify
from app.urls import path_for
from challenges import money
from challenges.models import Challenge
from challenges.payments.models import PayoutState


@events.subscribe(events.PayoutStateChanged)
def _payout_state_changed(event: events.PayoutStateChanged) -> None:
    challenge = db.session.get(Challenge, event.challenge_id)
    amount = money.format_money(event.amount, event.currency)
    title = challenge.title if challenge else "a challenge"
    if event.state == PayoutState.PAID:
        notify(
            [event.user_id],
            "payout.paid",
            f"Your {amount} payout for “{title}” has been sent.",
            path_for("payments.earnings"),
        )
    else:
        what = "failed" if event.state == PayoutState.FAILED else "was reversed"
        notify(
            [event.user_id],
            "payout.failed",
            f"Your {amount} payout for “{title}” {what}: {event.message or 'see your earnings page'}",
            path_for("payments.earnings"),
        )
