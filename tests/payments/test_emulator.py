"""The local Stripe emulator, driven through the real stripe SDK over HTTP."""

import http.client
import json
import threading
import time
import urllib.parse

import pytest
import stripe
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.support.stripe_accounts import make_account, make_session

SECRET = "whsec_test_emulator"


@pytest.fixture
def client(emulator, ctl):
    url = emulator[0]
    return stripe.StripeClient(
        "sk_test_emulator", base_addresses={"api": url, "connect": url, "files": url}, max_network_retries=0
    )


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class Receiver:
    """A webhook endpoint on loopback that records what it gets and answers ``statuses`` in turn."""

    def __init__(self):
        self.received = []
        self.statuses = []
        self.server = make_server("127.0.0.1", 0, self, threaded=True, request_handler=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def __call__(self, environ, start_response):
        request = Request(environ)
        status = self.statuses.pop(0) if self.statuses else 200
        self.received.append(
            {
                "body": request.get_data(as_text=True),
                "signature": request.headers.get("Stripe-Signature"),
                "status": status,
            }
        )
        return Response("", status=status)(environ, start_response)

    def events(self):
        return [json.loads(r["body"]) for r in self.received if r["status"] == 200]


@pytest.fixture
def receiver():
    hook = Receiver()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def fetch(url, method="GET", form=None):
    """One HTTP request without following redirects: (status, location, body)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    body = urllib.parse.urlencode(form) if form is not None else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
    conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=headers)
    response = conn.getresponse()
    result = response.status, response.getheader("Location"), response.read().decode()
    conn.close()
    return result


def paid_charge(client, ctl, amount=10000, currency="usd"):
    session = make_session(client, amount, currency)
    ctl.pay_checkout(session.id)
    intent = client.v1.payment_intents.retrieve(client.v1.checkout.sessions.retrieve(session.id).payment_intent)
    return client.v1.charges.retrieve(intent.latest_charge)


def onboarded_account(client, ctl):
    account = make_account(client)
    ctl.complete_onboarding(account.id)
    return account


def event_types(client, **params):
    return [e.type for e in client.v1.events.list(dict({"limit": 100}, **params)).data]


# -- accounts and onboarding ----------------------------------------------------------------


def test_new_connected_account_cannot_yet_be_paid(client):
    account = make_account(client)
    assert account.id.startswith("acct_") and account.object == "account" and account.type == "express"
    assert (account.details_submitted, account.charges_enabled, account.payouts_enabled) == (False, False, False)
    assert account.capabilities.transfers == "inactive"
    assert account.controller.stripe_dashboard.type == "express"

    updated = client.v1.accounts.update(account.id, {"metadata": {"user_id": "", "note": "vip"}})
    assert updated.metadata.to_dict() == {"note": "vip"}
    assert client.v1.accounts.retrieve(account.id).metadata.to_dict() == {"note": "vip"}
    assert [a.id for a in client.v1.accounts.list().data] == [account.id]


def test_onboarding_page_completes_the_account_and_says_so_by_connect_event(client, ctl):
    account = make_account(client)
    link = client.v1.account_links.create(
        {
            "account": account.id,
            "refresh_url": "http://app.test/refresh",
            "return_url": "http://app.test/return",
            "type": "account_onboarding",
        }
    )
    assert link.object == "account_link" and link.expires_at - link.created == 300

    status, _, html = fetch(link.url)
    assert status == 200 and "Complete onboarding" in html and "Leave" in html
    visit = html.split('name="visit" value="')[1].split('"')[0]
    status, location, _ = fetch(link.url, "POST", {"visit": visit, "action": "complete"})
    assert (status, location) == (303, "http://app.test/return")

    done = client.v1.accounts.retrieve(account.id)
    assert (done.details_submitted, done.charges_enabled, done.payouts_enabled) == (True, True, True)
    assert done.capabilities.transfers == "active"
    # A Connect event: seen with Stripe-Account, carrying ``account``; not among platform events.
    events = client.v1.events.list(options={"stripe_account": account.id}).data
    assert [(e.type, e.account) for e in events] == [("account.updated", account.id)]
    assert events[0].data.previous_attributes.payouts_enabled is False
    assert "account.updated" not in event_types(client)
    assert client.v1.accounts.retrieve_current(options={"stripe_account": account.id}).id == account.id

    # Single use: a second visit goes to refresh_url.
    assert fetch(link.url)[:2] == (303, "http://app.test/refresh")


def test_onboarding_link_leave_and_expiry_send_to_refresh_url(client, ctl):
    account = make_account(client)

    def new_link():
        return client.v1.account_links.create(
            {
                "account": account.id,
                "refresh_url": "http://app.test/refresh",
                "return_url": "http://app.test/return",
                "type": "account_onboarding",
            }
        ).url

    url = new_link()
    html = fetch(url)[2]
    visit = html.split('name="visit" value="')[1].split('"')[0]
    assert fetch(url, "POST", {"visit": visit, "action": "leave"})[:2] == (303, "http://app.test/refresh")
    stale = new_link()
    ctl.advance_clock(301)
    assert fetch(stale)[:2] == (303, "http://app.test/refresh")
    assert client.v1.accounts.retrieve(account.id).details_submitted is False


# -- checkout ---------------------------------------------------------------------------------


def test_hosted_checkout_card_payment(client, ctl):
    session = make_session(client, 12345)
    assert session.id.startswith("cs_test_") and session.status == "open" and session.payment_status == "unpaid"
    assert session.amount_total == 12345 and session.payment_intent is None
    status, _, html = fetch(session.url)
    assert status == 200 and "123.45 USD" in html
    for label in ("Pay", "Pay by bank (succeeds later)", "Pay by bank (fails later)", "Decline card", "Cancel"):
        assert f">{label}</button>" in html

    status, location, _ = fetch(session.url, "POST", {"action": "card"})
    assert (status, location) == (303, f"http://shop.test/funded?session={session.id}")

    session = client.v1.checkout.sessions.retrieve(session.id, {"expand": ["payment_intent"]})
    assert (session.status, session.payment_status) == ("complete", "paid")
    intent = session.payment_intent
    assert intent.status == "succeeded" and intent.transfer_group == "challenge-1"
    assert intent.metadata.challenge_id == "1"
    charge = client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.amount, charge.payment_intent, charge.transfer_group) == (12345, intent.id, "challenge-1")
    txn = client.v1.balance_transactions.retrieve(charge.balance_transaction)
    assert (txn.amount, txn.fee, txn.net, txn.type) == (12345, 358 + 30, 12345 - 388, "charge")
    assert event_types(client) == [
        "checkout.session.completed",
        "payment_intent.succeeded",
        "charge.succeeded",
        "payment_intent.created",
    ]
    assert [s.id for s in client.v1.checkout.sessions.list({"payment_intent": intent.id}).data] == [session.id]


def test_declined_card_keeps_the_session_open_and_cancel_returns(client, ctl):
    session = make_session(client)
    status, _, html = fetch(session.url, "POST", {"action": "decline"})
    assert status == 402 and "Your card was declined." in html
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"
    assert fetch(session.url, "POST", {"action": "cancel"})[:2] == (303, "http://shop.test/cancelled")
    assert fetch(session.url, "POST", {"action": "card"})[0] == 303
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"
    assert "payment_intent.payment_failed" in event_types(client)


def test_bank_payment_completes_unpaid_then_settles(client, ctl):
    good, bad = make_session(client), make_session(client)
    fetch(good.url, "POST", {"action": "bank_success"})
    fetch(bad.url, "POST", {"action": "bank_fail"})
    for session in (good, bad):
        session = client.v1.checkout.sessions.retrieve(session.id)
        assert (session.status, session.payment_status) == ("complete", "unpaid")

    ctl.settle_checkout(good.id)
    ctl.settle_checkout(bad.id)
    good = client.v1.checkout.sessions.retrieve(good.id, {"expand": ["payment_intent"]})
    bad = client.v1.checkout.sessions.retrieve(bad.id, {"expand": ["payment_intent"]})
    assert good.payment_status == "paid" and good.payment_intent.latest_charge.startswith("ch_")
    assert bad.payment_status == "unpaid" and bad.payment_intent.latest_charge is None
    types = event_types(client, type="checkout.session.*")
    assert types.count("checkout.session.completed") == 2
    assert "checkout.session.async_payment_succeeded" in types and "checkout.session.async_payment_failed" in types


def test_overview_page_settles_bank_payments_by_button(emulator, client, ctl):
    session = make_session(client)
    fetch(session.url, "POST", {"action": "bank_success"})
    status, _, html = fetch(emulator[0] + "/")
    assert status == 200 and session.id in html and ">Payment fails</button>" in html
    assert fetch(f"{emulator[0]}/overview/settle/{session.id}", "POST", {"choice": "fail"})[0] == 303
    assert event_types(client)[0] == "checkout.session.async_payment_failed"


def test_expiring_a_session(client, ctl):
    session = make_session(client)
    expired = client.v1.checkout.sessions.expire(session.id)
    assert expired.status == "expired" and expired.url is None
    assert event_types(client) == ["checkout.session.expired"]
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.expire(session.id)
    assert fetch(session.url)[0] == 410
    late = make_session(client, expires_at=int(time.time()) + 1800)
    ctl.advance_clock(1801)
    assert client.v1.checkout.sessions.retrieve(late.id).status == "expired"


def test_checkout_parameters_are_checked_against_the_sdk_types(client):
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        make_session(
            client,
            line_items=[
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 500,
                        "colour": "red",
                        "product_data": {"name": "x"},
                    },
                    "quantity": 1,
                }
            ],
        )
    error = unknown.value.error
    assert (unknown.value.http_status, error.type, error.code) == (
        400,
        "invalid_request_error",
        "parameter_unknown",
    )
    assert error.param == "line_items[0][price_data][colour]"
    assert error.message == "Received unknown parameter: line_items[0][price_data][colour]"
    with pytest.raises(stripe.InvalidRequestError) as bad_enum:
        make_session(client, mode="rental")
    assert bad_enum.value.param == "mode"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.transfers.create({"amount": 100, "currency": "usd"})
    assert (missing.value.code, missing.value.param) == ("parameter_missing", "destination")


# -- refunds ----------------------------------------------------------------------------------


def test_refunds_are_bounded_by_the_charge(client, ctl):
    charge = paid_charge(client, ctl, 5000)
    first = client.v1.refunds.create(
        {"charge": charge.id, "amount": 2000, "reason": "requested_by_customer", "metadata": {"challenge_id": "1"}}
    )
    assert (first.object, first.amount, first.status, first.charge) == ("refund", 2000, "succeeded", charge.id)
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        client.v1.refunds.create({"payment_intent": charge.payment_intent, "amount": 3001})
    assert too_much.value.code == "amount_too_large"
    rest = client.v1.refunds.create({"payment_intent": charge.payment_intent})
    assert rest.amount == 3000
    refreshed = client.v1.charges.retrieve(charge.id)
    assert (refreshed.amount_refunded, refreshed.refunded) == (5000, True)
    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v1.refunds.create({"charge": charge.id, "amount": 1})
    assert again.value.code == "charge_already_refunded"
    assert [r.id for r in client.v1.refunds.list({"charge": charge.id}).data] == [rest.id, first.id]
    assert client.v1.refunds.retrieve(first.id).metadata.challenge_id == "1"
    assert event_types(client)[:4] == ["refund.created", "charge.refunded", "refund.created", "charge.refunded"]
    assert client.v1.balance_transactions.retrieve(rest.balance_transaction).amount == -3000


# -- transfers --------------------------------------------------------------------------------


def test_transfer_refused_until_the_account_is_onboarded(client, ctl):
    charge = paid_charge(client, ctl)
    account = make_account(client)
    params = {
        "amount": 6000,
        "currency": "usd",
        "destination": account.id,
        "source_transaction": charge.id,
        "transfer_group": "challenge-1",
        "metadata": {"payout_id": "9"},
    }
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.transfers.create(params)
    assert refused.value.code == "insufficient_capabilities_for_transfer" and "transfers" in refused.value.user_message
    assert client.v1.transfers.list().data == []

    ctl.complete_onboarding(account.id)
    transfer = client.v1.transfers.create(params)
    assert (
        transfer.id.startswith("tr_")
        and transfer.destination == account.id
        and transfer.source_transaction == charge.id
    )
    assert client.v1.transfers.retrieve(transfer.id).metadata.payout_id == "9"
    txn = client.v1.balance_transactions.retrieve(transfer.balance_transaction)
    assert (txn.type, txn.amount) == ("transfer", -6000)
    connected = client.v1.balance.retrieve(options={"stripe_account": account.id})
    assert connected.available[0].amount == 6000
    assert event_types(client)[0] == "transfer.created"


def test_transfers_cannot_exceed_what_the_source_charge_has_left(client, ctl):
    charge = paid_charge(client, ctl, 10000)
    first, second = onboarded_account(client, ctl), onboarded_account(client, ctl)
    client.v1.refunds.create({"charge": charge.id, "amount": 1000})
    base = {"currency": "usd", "source_transaction": charge.id, "transfer_group": "challenge-1"}
    a = client.v1.transfers.create(dict(base, amount=6000, destination=first.id))
    with pytest.raises(stripe.InvalidRequestError) as over:
        client.v1.transfers.create(dict(base, amount=3001, destination=second.id))
    assert over.value.code == "balance_insufficient"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.transfers.create(dict(base, amount=100, destination=second.id, currency="eur"))
    b = client.v1.transfers.create(dict(base, amount=3000, destination=second.id))
    assert [t.id for t in client.v1.transfers.list({"transfer_group": "challenge-1"}).data] == [b.id, a.id]
    assert [t.id for t in client.v1.transfers.list({"destination": first.id}).data] == [a.id]

    # A reversal returns money to the platform and frees the source charge for a new transfer.
    reversal = client.v1.transfers.reversals.create(a.id, {"amount": 2000})
    assert reversal.id.startswith("trr_") and reversal.transfer == a.id
    a = client.v1.transfers.retrieve(a.id)
    assert (a.amount_reversed, a.reversed, a.reversals.total_count) == (2000, False, 1)
    assert client.v1.transfers.reversals.list(a.id).data[0].id == reversal.id
    client.v1.transfers.reversals.create(a.id)
    assert client.v1.transfers.retrieve(a.id).reversed is True
    assert client.v1.transfers.create(dict(base, amount=6000, destination=second.id)).amount == 6000
    assert event_types(client, type="transfer.reversed") == ["transfer.reversed", "transfer.reversed"]


def test_balance_adds_up(client, ctl):
    charge = paid_charge(client, ctl, 10000)
    account = onboarded_account(client, ctl)
    transfer = client.v1.transfers.create(
        {"amount": 4000, "currency": "usd", "destination": account.id, "source_transaction": charge.id}
    )
    client.v1.refunds.create({"charge": charge.id, "amount": 1000})
    ctl.reverse_transfer(transfer.id, 500)
    fee = 290 + 30
    assert client.v1.balance.retrieve().available[0].amount == 10000 - fee - 4000 - 1000 + 500
    types = sorted(t.type for t in client.v1.balance_transactions.list().data)
    assert types == ["charge", "refund", "transfer", "transfer_refund"]
    assert client.v1.balance.retrieve(options={"stripe_account": account.id}).available[0].amount == 3500


# -- errors, auth, idempotency ------------------------------------------------------------------


def test_missing_resources_and_unknown_routes_answer_404(client, emulator):
    for call in (
        lambda: client.v1.transfers.retrieve("tr_missing"),
        lambda: client.v1.charges.retrieve("ch_missing"),
        lambda: client.v1.checkout.sessions.retrieve("cs_test_missing"),
        lambda: client.v1.events.retrieve("evt_missing"),
        lambda: client.v1.accounts.retrieve("acct_missing"),
    ):
        with pytest.raises(stripe.InvalidRequestError) as missing:
            call()
        assert (missing.value.http_status, missing.value.code) == (404, "resource_missing")
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        client.v1.customers.list()
    assert (
        unknown.value.http_status == 404
        and "Unrecognized request URL (GET: /v1/customers)" in unknown.value.user_message
    )


def test_api_key_is_required(emulator, ctl):
    url = emulator[0]
    status, _, body = fetch(f"{url}/v1/balance")
    assert status == 401 and json.loads(body)["error"]["type"] == "invalid_request_error"
    live = stripe.StripeClient("sk_live_nope", base_addresses={"api": url}, max_network_retries=0)
    with pytest.raises(stripe.AuthenticationError):
        live.v1.balance.retrieve()
    test = stripe.StripeClient("sk_test_x", base_addresses={"api": url}, max_network_retries=0)
    with pytest.raises(stripe.PermissionError):
        test.v1.balance.retrieve(options={"stripe_account": "acct_unknown"})


def test_idempotency_key_replays_and_refuses_other_params(client, ctl):
    account = onboarded_account(client, ctl)
    charge = paid_charge(client, ctl)
    params = {"amount": 1000, "currency": "usd", "destination": account.id, "source_transaction": charge.id}
    first = client.v1.transfers.create(params, {"idempotency_key": "payout-1-attempt"})
    again = client.v1.transfers.create(params, {"idempotency_key": "payout-1-attempt"})
    assert again.id == first.id and again.last_response.headers["Idempotent-Replayed"] == "true"
    with pytest.raises(stripe.IdempotencyError):
        client.v1.transfers.create(dict(params, amount=2000), {"idempotency_key": "payout-1-attempt"})
    assert len(client.v1.transfers.list().data) == 1
    assert client.v1.events.list({"type": "transfer.created"}).data[0].request.idempotency_key == "payout-1-attempt"


def test_a_timeout_after_the_transfer_then_a_retry_with_the_same_key_makes_one_transfer(client, ctl):
    account = onboarded_account(client, ctl)
    charge = paid_charge(client, ctl)
    params = {"amount": 2500, "currency": "usd", "destination": account.id, "source_transaction": charge.id}
    ctl.inject_fault("timeout", "POST", "/v1/transfers")
    with pytest.raises(stripe.APIConnectionError):
        client.v1.transfers.create(params, {"idempotency_key": "payout-7"})
    assert len(client.v1.transfers.list().data) == 1  # Stripe did the work; the answer was lost
    retried = client.v1.transfers.create(params, {"idempotency_key": "payout-7"})
    assert [t.id for t in client.v1.transfers.list().data] == [retried.id]


def test_server_errors_and_rate_limits_change_nothing(client, ctl):
    account = onboarded_account(client, ctl)
    charge = paid_charge(client, ctl)
    params = {"amount": 2500, "currency": "usd", "destination": account.id, "source_transaction": charge.id}
    ctl.inject_fault("error_500", "POST", "/v1/transfers")
    ctl.inject_fault("rate_limit", "POST", "/v1/transfers")
    with pytest.raises(stripe.APIError):
        client.v1.transfers.create(params, {"idempotency_key": "k"})
    with pytest.raises(stripe.RateLimitError):
        client.v1.transfers.create(params, {"idempotency_key": "k"})
    assert client.v1.transfers.list().data == []
    assert client.v1.transfers.create(params, {"idempotency_key": "k"}).amount == 2500


# -- events and webhooks ----------------------------------------------------------------------


def test_events_are_listed_newest_first_and_paginated(client, ctl):
    for _ in range(5):
        make_session(client)  # no events: creating a session is not announced
    ids = [client.v1.checkout.sessions.expire(s.id).id for s in client.v1.checkout.sessions.list().data]
    events = client.v1.events.list({"limit": 100}).data
    assert [e.data.object.id for e in events] == ids[::-1]
    assert all(e.id.startswith("evt_") and e.object == "event" and e.livemode is False for e in events)
    first = client.v1.events.list({"limit": 2})
    assert first.has_more and [e.id for e in first.data] == [e.id for e in events[:2]]
    second = client.v1.events.list({"limit": 2, "starting_after": first.data[-1].id})
    assert [e.id for e in second.data] == [e.id for e in events[2:4]]
    back = client.v1.events.list({"limit": 2, "ending_before": second.data[0].id})
    assert [e.id for e in back.data] == [e.id for e in events[:2]]
    assert (
        len(client.v1.events.list({"types": ["checkout.session.expired"], "created": {"gte": events[-1].created}}).data)
        == 5
    )
    assert client.v1.events.list({"type": "charge.*"}).data == []
    assert client.v1.events.retrieve(events[0].id).type == "checkout.session.expired"


def test_webhooks_are_signed_the_way_the_sdk_verifies(client, ctl, receiver):
    ctl.add_webhook_endpoint(receiver.url, SECRET)
    make_session(client)
    charge = paid_charge(client, ctl)
    assert ctl.wait_for_deliveries()
    delivered = receiver.received[-1]
    event = stripe.Webhook.construct_event(delivered["body"], delivered["signature"], SECRET)
    assert event.type == "checkout.session.completed"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(delivered["body"], delivered["signature"], "whsec_other")
    assert {e["type"] for e in receiver.events()} >= {"charge.succeeded", "payment_intent.succeeded"}
    assert charge.id in {e["data"]["object"]["id"] for e in receiver.events()}


def test_failed_deliveries_are_retried_with_backoff(client, ctl, receiver):
    ctl.add_webhook_endpoint(receiver.url, SECRET)
    receiver.statuses = [500, 503]
    client.v1.checkout.sessions.expire(make_session(client).id)
    assert ctl.wait_for_deliveries()
    assert [r["status"] for r in receiver.received] == [500, 503, 200]
    (delivery,) = ctl.deliveries()
    assert delivery["status"] == "succeeded" and len(delivery["attempts"]) == 3


def test_duplicate_and_reorder_modes(client, ctl, receiver):
    ctl.add_webhook_endpoint(receiver.url, SECRET)
    ctl.set_delivery(duplicate=True, reorder="reverse", paused=True)
    sessions = [make_session(client) for _ in range(3)]
    for session in sessions:
        client.v1.checkout.sessions.expire(session.id)
    assert receiver.received == []  # paused
    assert ctl.flush() == 6
    ids = [e["data"]["object"]["id"] for e in receiver.events()]
    assert ids == [s.id for s in reversed(sessions) for _ in range(2)]
    ctl.set_delivery(duplicate=False, reorder="shuffle", paused=False, delay=0.3)
    client.v1.checkout.sessions.expire(make_session(client).id)
    time.sleep(0.1)
    assert len(receiver.received) == 6  # held back by the delay
    assert ctl.wait_for_deliveries() and len(receiver.received) == 7


def test_concurrent_requests_never_overspend_or_double_a_key(client, ctl):
    account = onboarded_account(client, ctl)
    charge = paid_charge(client, ctl, 10000)
    base = {"amount": 1000, "currency": "usd", "destination": account.id, "source_transaction": charge.id}
    outcomes = []

    def attempt(key):
        try:
            outcomes.append((key, client.v1.transfers.create(base, {"idempotency_key": key}).id))
        except stripe.InvalidRequestError as error:
            outcomes.append((key, error.code))

    threads = [threading.Thread(target=attempt, args=(f"same-{i % 2}" if i < 20 else f"own-{i}",)) for i in range(36)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    same = {key: {r for k, r in outcomes if k == key} for key in ("same-0", "same-1")}
    assert all(len(results) == 1 for results in same.values())  # one answer per key, replayed
    assert len(client.v1.transfers.list({"limit": 100}).data) == 10  # the charge covers ten, no more
    assert sum(1 for _, r in outcomes if r == "balance_insufficient") == 36 - 20 - 8


def test_control_api_over_http(emulator, client, ctl, receiver):
    url = emulator[0]
    conn = http.client.HTTPConnection(urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port, timeout=5)

    def control(method, path, body=None):
        conn.request(method, path, body=json.dumps(body or {}), headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())

    status, endpoint = control("POST", "/_emulator/webhooks", {"url": receiver.url})
    assert status == 200 and endpoint["secret"].startswith("whsec_")
    account = make_account(client)
    assert control("POST", f"/_emulator/accounts/{account.id}/complete_onboarding")[1]["payouts_enabled"] is True
    session = make_session(client)
    assert (
        control("POST", f"/_emulator/checkout/sessions/{session.id}/pay", {"outcome": "card"})[1]["payment_status"]
        == "paid"
    )
    assert control("POST", "/_emulator/faults", {"kind": "error_500", "method": "GET", "path": "/v1/balance"})[0] == 200
    with pytest.raises(stripe.APIError):
        client.v1.balance.retrieve()
    control("POST", "/_emulator/flush")
    signed = receiver.received[0]
    assert (
        stripe.Webhook.construct_event(signed["body"], signed["signature"], endpoint["secret"]).type
        == "account.updated"
    )
    assert control("POST", "/_emulator/nope")[0] == 404
    assert control("POST", "/_emulator/reset")[0] == 200
    assert client.v1.accounts.list().data == []
    conn.close()
