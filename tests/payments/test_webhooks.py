"""The webhook endpoint: signatures, duplicates, any order; and the pages around funding."""

import json
import random
import time

from challenges.models import State
from challenges.payments.emulator import sign
from challenges.payments.models import WebhookEvent
from tests.payments.conftest import WEBHOOK_SECRET
from tests.payments.flows import awaiting, checkout
from tests.support.factories import login


def signed(payload: str, secret=WEBHOOK_SECRET, at=None):
    return sign(payload, secret, at or int(time.time()))


def post(client, payload: str, signature: str):
    return client.post(
        "/payments/webhook", data=payload, headers={"Stripe-Signature": signature, "Content-Type": "application/json"}
    )


def stripe_events(ctl):
    """Every event the emulator holds, as the JSON it would deliver, oldest first."""
    return [json.dumps(e) for e in ctl.objects("event")][::-1]


def test_bad_signature_tampered_body_and_old_timestamp_are_refused(app, client, db, ctl):
    challenge = awaiting()
    payment = checkout(challenge)
    ctl.pay_checkout(payment.session_id)
    payload = next(p for p in stripe_events(ctl) if '"checkout.session.completed"' in p)
    assert post(client, payload, signed(payload, "whsec_wrong")).status_code == 400
    assert post(client, payload.replace("105000", "1"), signed(payload)).status_code == 400
    assert post(client, payload, signed(payload, at=int(time.time()) - 600)).status_code == 400
    assert post(client, payload, signed(payload, at=int(time.time()) + 600)).status_code == 400  # from the future
    assert post(client, payload, "").status_code == 400
    db.session.refresh(challenge)
    assert challenge.state == State.AWAITING_FUNDING and db.session.query(WebhookEvent).count() == 0

    answer = post(client, payload, signed(payload))
    assert answer.status_code == 200 and answer.json["outcome"] == "processed"
    again = post(client, payload, signed(payload))
    assert again.status_code == 200 and again.json["outcome"] == "duplicate"
    db.session.refresh(challenge)
    assert challenge.state == State.OPEN


def test_every_event_three_times_in_shuffled_order_gives_the_same_state(app, client, db, ctl):
    challenge = awaiting()
    failed, paid = checkout(challenge), checkout(challenge)
    ctl.pay_checkout(failed.session_id, "bank_fail")
    ctl.settle_checkout(failed.session_id)
    ctl.pay_checkout(paid.session_id)
    payloads = stripe_events(ctl) * 3
    random.Random(11).shuffle(payloads)
    outcomes = [post(client, p, signed(p)).json["outcome"] for p in payloads]
    assert outcomes.count("duplicate") == len(payloads) * 2 // 3
    db.session.refresh(challenge), db.session.refresh(failed), db.session.refresh(paid)
    assert challenge.state == State.OPEN and challenge.funding_reference == paid.session_id
    assert (failed.state, paid.state) == ("failed", "paid")
    assert ctl.objects("refund") == []


def test_funding_pages_show_the_fee_policy_and_confirming_until_the_webhook(app, client, db, ctl):
    challenge = awaiting(reward=200_000)
    admin = challenge.organisation.memberships[0].user
    login(client, admin)
    page = client.get(f"/challenges/{challenge.id}/fund").get_data(as_text=True)
    assert "$2,000" in page and "$100" in page and "$2,100" in page and "platform fee is kept" in page
    answer = client.post(f"/challenges/{challenge.id}/fund")
    assert answer.status_code == 303 and answer.location.startswith(ctl.url)
    session_id = answer.location.rsplit("/", 1)[-1]
    ctl.pay_checkout(session_id)
    back = client.get(f"/challenges/{challenge.id}/fund/return?session_id={session_id}")
    assert "Payment received, confirming" in back.get_data(as_text=True) and 'hx-trigger="every 2s"' in back.get_data(
        as_text=True
    )
    db.session.refresh(challenge)
    assert challenge.state == State.AWAITING_FUNDING  # the browser's return alone opens nothing
    for payload in stripe_events(ctl):
        post(client, payload, signed(payload))
    fragment = client.get(f"/challenges/{challenge.id}/fund/return", headers={"HX-Request": "true"})
    assert "Payment confirmed" in fragment.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)


def test_funding_page_is_for_managers_only(app, client, ctl):
    from tests.support.factories import make_user

    challenge = awaiting()
    login(client, make_user())
    assert client.get(f"/challenges/{challenge.id}/fund").status_code == 404
    assert client.post(f"/challenges/{challenge.id}/fund").status_code == 404


def test_challenge_page_tells_managers_a_payment_failed(app, client, db, ctl):
    challenge = awaiting()
    login(client, challenge.organisation.memberships[0].user)
    assert "Fund the reward" in client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    payment = checkout(challenge)
    ctl.pay_checkout(payment.session_id, "bank_fail")
    ctl.settle_checkout(payment.session_id)
    for payload in stripe_events(ctl):
        post(client, payload, signed(payload))
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "The bank payment failed" in page and "Fund the reward" in page
