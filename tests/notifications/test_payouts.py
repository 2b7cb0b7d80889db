"""Winners hear by mail when their payout is sent and when it is reversed, through the real
payments code, the Stripe SDK and the local emulator."""

from __future__ import annotations

import pytest

from app.notifications.models import Notification
from challenges.payments import settle, webhooks
from challenges.services import awards
from tests.notifications.helpers import mails
from tests.payments.conftest import app_config as _payments_config  # noqa: F401  (fixtures)
from tests.payments.conftest import ctl, emulator  # noqa: F401  (fixtures)
from tests.payments.flows import after_deadline, funded, owner
from tests.payments.test_money_flow import onboard
from tests.support.mail import link_in, path_of


@pytest.fixture
def app_config(_payments_config):
    return {**_payments_config, "NOTIFICATION_MAIL": True}


def test_paid_and_reversed_payouts_are_mailed_once_each(app, db, client, ctl, mailbox):
    challenge, (entry,), _ = funded(ctl, submissions=1)
    winner = entry.solver
    onboard(ctl, winner)
    awards.award(owner(challenge), challenge, [(entry.id, 100_000)], now=after_deadline(challenge))
    settle.settle(challenge.id)
    settle.settle(challenge.id)  # settling again pays nothing twice and tells no one twice

    (paid,) = mails(mailbox, winner, "payout.paid")
    assert "$1,000 payout" in paid["Subject"] and "/earnings" in paid.get_content()
    assert db.session.query(Notification).filter_by(user_id=winner.id, kind="payout.paid").count() == 1

    ctl.reverse_transfer(ctl.objects("transfer")[0]["id"])
    webhooks.sync()
    webhooks.sync()
    (failed,) = mails(mailbox, winner, "payout.failed")
    assert "was reversed" in failed["Subject"]

    client.post(path_of(link_in(failed, "/notifications/unsubscribe/")))
    from challenges.payments import payouts
    from challenges.payments.models import Payout

    payout = db.session.query(Payout).one()
    payouts.retry(winner, payout)
    db.session.refresh(payout)
    ctl.reverse_transfer(payout.transfer_id)
    webhooks.sync()
    assert len(mails(mailbox, winner, "payout.failed")) == 1  # turned off: told in the app only
    assert db.session.query(Notification).filter_by(user_id=winner.id, kind="payout.failed").count() == 2
