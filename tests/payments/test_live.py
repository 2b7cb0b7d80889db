"""Over real HTTP: the emulator delivers signed webhooks to the served app; twenty simultaneous
award and retry clicks make exactly one transfer per share."""

from concurrent.futures import ThreadPoolExecutor

import requests

from app.extensions import db
from app.jobs import wait_idle
from challenges.models import State
from challenges.payments.models import Payout, PayoutState
from tests.payments.conftest import WEBHOOK_SECRET
from tests.payments.flows import after_deadline, awaiting, checkout, owner
from tests.support.challenges import make_submission
from tests.support.factories import login
from tests.support.live_server import live_server  # noqa: F401  (a fixture)


def browser(live, user):
    """A requests session signed in to the live app (the cookie the login form would leave);
    returns (session, csrf token)."""
    db.session.commit()
    client = live.app.test_client()
    login(client, user)
    cookie = client.get_cookie(live.app.config["SESSION_COOKIE_NAME"])
    session = requests.Session()
    session.cookies.set(cookie.key, cookie.value, domain="127.0.0.1", path="/")
    page = session.get(f"{live.url}/earnings")
    return session, page.text.split('name="csrf_token" value="')[1].split('"')[0]


def test_webhooks_open_and_twenty_clicks_make_one_transfer_per_share(app, ctl, live_server):
    ctl.add_webhook_endpoint(f"{live_server.url}/payments/webhook", WEBHOOK_SECRET)
    challenge = awaiting(reward=100_000)
    payment = checkout(challenge)
    ctl.pay_checkout(payment.session_id)
    assert ctl.wait_for_deliveries(10)
    db.session.commit()  # a new snapshot: what the served app wrote
    assert db.session.get(type(challenge), challenge.id).state == State.OPEN

    entries = [make_submission(challenge, now=challenge.opened_at) for _ in range(2)]
    winners = [e.solver for e in entries]
    for winner in winners:  # connect through the app's own pages, finished on the emulator
        session, token = browser(live_server, winner)
        link = session.post(f"{live_server.url}/earnings/connect", data={"csrf_token": token}, allow_redirects=False)
        assert link.status_code == 303 and link.headers["Location"].startswith(ctl.url)
    for account in ctl.objects("account"):
        ctl.complete_onboarding(account["id"])
    assert ctl.wait_for_deliveries(10)

    import time_machine

    manager, token = browser(live_server, owner(challenge))
    form = {"csrf_token": token, "confirmed": "1"}
    with time_machine.travel(after_deadline(challenge), tick=True):
        fields = {}
        for place, (entry, amount) in enumerate(zip(entries, ("600", "400")), start=1):
            fields |= {f"place_{entry.id}": str(place), f"amount_{entry.id}": amount}
        with ThreadPoolExecutor(20) as pool:
            answers = list(
                pool.map(
                    lambda _: manager.post(
                        f"{live_server.url}/challenges/{challenge.id}/award",
                        data={**form, **fields},
                        allow_redirects=False,
                    ),
                    range(20),
                )
            )
    assert all(a.status_code < 500 for a in answers), [a.status_code for a in answers]
    db.session.commit()
    payouts = db.session.query(Payout).all()
    assert sorted(p.amount for p in payouts) == [40_000, 60_000]
    with ThreadPoolExecutor(20) as pool:
        list(
            pool.map(
                lambda i: manager.post(
                    f"{live_server.url}/payouts/{payouts[i % 2].id}/retry",
                    data={"csrf_token": token},
                    allow_redirects=False,
                ),
                range(20),
            )
        )
    ctl.set_delivery(duplicate=True)
    ctl.wait_for_deliveries(10)
    assert wait_idle(30)  # the settle job the award enqueued has run too, beside the clicks
    db.session.commit()
    assert {p.state for p in db.session.query(Payout)} == {PayoutState.PAID}
    assert sorted(t["amount"] for t in ctl.objects("transfer")) == [40_000, 60_000]
    assert live_server.errors == []
