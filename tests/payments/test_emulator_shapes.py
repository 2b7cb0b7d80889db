"""Every kind of object the emulator answers has Stripe's shape: each field it sends exists in
Stripe's own fixture for that object type (from Stripe's OpenAPI repository) with the same JSON type."""

import json
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace

import pytest
import stripe

from challenges.payments.emulator.errors import StripeError
from tests.support.stripe_accounts import make_account, make_session

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "stripe" / "fixtures3.json"
MISSING = object()

# Fields Stripe sends that its fixtures leave out, as (object type, path within that object).
STRIPE_FIELDS_THE_FIXTURES_OMIT = {
    # Accounts a platform creates name its controller settings; the fixture is a standard account's.
    ("account", "controller.fees"),
    ("account", "controller.is_controller"),
    ("account", "controller.losses"),
    ("account", "controller.requirement_collection"),
    ("account", "controller.stripe_dashboard"),
    # Radar's verdict on every charge; the fixture's outcome shows only the always-present fields.
    ("charge", "outcome.risk_level"),
    # The details of a bank debit, keyed by its type as card details are; the fixture is a card charge.
    ("charge", "payment_method_details.us_bank_account"),
    # Embedded lists count their items in Stripe's responses; the OpenAPI schema leaves the count out.
    ("charge", "refunds.total_count"),
    ("transfer", "reversals.total_count"),
    # Stripe's error hash: the fixture shows only its required type.
    ("payment_intent", "last_payment_error.code"),
    ("payment_intent", "last_payment_error.decline_code"),
    ("payment_intent", "last_payment_error.message"),
    # Connect events name the connected account; the fixture is a platform event.
    ("event", "account"),
}
# Maps whose keys are the caller's own: only their values' type can be compared.
FREE_FORM_MAPS = {"metadata"}


# -- comparing shapes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """A field's dotted path from the object under test, and its path inside the innermost Stripe object."""

    kind: str
    path: str = ""
    local: str = ""

    def child(self, key):
        return replace(self, path=_join(self.path, key), local=_join(self.local, key))

    def item(self, index):
        return replace(self, path=f"{self.path}[{index}]", local=f"{self.local}[0]")

    def inside(self, kind):
        return replace(self, kind=kind, local="")

    def says(self, problem):
        return f"{self.path or '(the object)'}: {problem}"

    def omitted_by_fixture(self):
        return (self.kind, self.local) in STRIPE_FIELDS_THE_FIXTURES_OMIT


def _join(path, key):
    return f"{path}.{key}" if path else key


def json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):  # an int to Python, not to JSON
        return "boolean"
    for python_type, name in ((int, "integer"), (float, "number"), (str, "string"), (list, "array")):
        if isinstance(value, python_type):
            return name
    return "object"


def same_type(ours, theirs):
    # A JSON number field may hold a whole number; an integer field never holds a fraction.
    return ours == theirs or (ours, theirs) == ("integer", "number")


def typed_kind(value):
    kind = value.get("object") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) else None


def is_expanded_pair(ours, theirs):
    """An id on one side, the object it names on the other: an expandable field either way."""
    if {json_type(ours), json_type(theirs)} != {"string", "object"}:
        return False
    return "id" in (ours if isinstance(ours, dict) else theirs)


def shape_mismatches(ours, theirs, where, references):
    """One line per field of ``ours`` that Stripe's ``theirs`` lacks or types differently."""
    kind = typed_kind(ours)
    if kind and kind not in references:
        return [where.says(f"is a {kind}, an object type Stripe has no fixture for")]
    if kind == "list" and typed_kind(theirs) != "list":
        theirs = references["list"]
    elif kind and kind != "list":
        # A Stripe object is held to its own type's fixture wherever it sits, expanded or in a list.
        theirs, where = references[kind], where.inside(kind)
    if ours is None or theirs is None or is_expanded_pair(ours, theirs):
        return []
    if not same_type(json_type(ours), json_type(theirs)):
        return [where.says(f"is {json_type(ours)}, Stripe's {where.kind} has {json_type(theirs)}")]
    if isinstance(ours, dict):
        return object_mismatches(ours, theirs, where, references)
    if isinstance(ours, list):
        first = theirs[0] if theirs else None
        return [
            line for i, item in enumerate(ours) for line in shape_mismatches(item, first, where.item(i), references)
        ]
    return []


def object_mismatches(ours, theirs, where, references):
    found = []
    for key, value in ours.items():
        reference, inner = field_reference(ours, theirs, key, where, references)
        if inner.omitted_by_fixture():
            continue
        if reference is MISSING:
            found.append(inner.says(f"is not in Stripe's {inner.kind} fixture"))
        elif key in FREE_FORM_MAPS and isinstance(value, dict) and isinstance(reference, dict):
            found += free_form_mismatches(value, inner)
        else:
            found += shape_mismatches(value, reference, inner, references)
    return found


def free_form_mismatches(mapping, where):
    """Stripe keeps metadata values as strings, whatever the caller named the keys."""
    return [where.child(key).says("is not a string") for key, value in mapping.items() if not isinstance(value, str)]


def field_reference(ours, theirs, key, where, references):
    """What Stripe's fixture holds for ``ours[key]``, and where that field sits."""
    previous_of = typed_kind(ours.get("object"))
    if key == "previous_attributes" and previous_of in references:
        # An event's previous_attributes are earlier values of its data.object's own fields.
        return references[previous_of], where.child(key).inside(previous_of)
    return theirs.get(key, MISSING), where.child(key)


# -- Stripe's fixtures and the emulator's objects ---------------------------------------------------


@pytest.fixture(scope="module")
def references():
    if not FIXTURES.is_file():
        pytest.fail(f"Stripe's fixtures are missing: {FIXTURES.resolve()} (CI keeps shared/ beside the clone)")
    resources = json.loads(FIXTURES.read_text())["resources"]
    # No fixture is a bare list; a list page has the envelope of the lists embedded in objects.
    return {**resources, "list": resources["transfer"]["reversals"]}


@pytest.fixture(scope="module")
def stripe_client(emulator):
    url = emulator[0]
    return stripe.StripeClient(
        "sk_test_shapes", base_addresses={"api": url, "connect": url, "files": url}, max_network_retries=0
    )


@pytest.fixture(scope="module")
def world(emulator, stripe_client):
    """One object of each kind and state, made once through the SDK."""
    return build_world(stripe_client, emulator[1])


def build_world(client, ctl):
    fresh = make_account(client)
    payee = make_account(client)
    ctl.complete_onboarding(payee.id)
    paid = paid_session(client, ctl, "card")
    intent = client.v1.payment_intents.retrieve(paid.payment_intent)
    refund = client.v1.refunds.create({"charge": intent.latest_charge, "amount": 1000, "metadata": {"why": "test"}})
    transfer = client.v1.transfers.create(
        {"amount": 4000, "currency": "usd", "destination": payee.id, "source_transaction": intent.latest_charge}
    )
    reversal = client.v1.transfers.reversals.create(transfer.id, {"amount": 500})
    bank = paid_session(client, ctl, "bank_success")
    ctl.settle_checkout(bank.id)
    declined = make_session(client)
    with pytest.raises(StripeError, match="declined"):
        ctl.pay_checkout(declined.id, "decline")
    expired = make_session(client)
    ctl.expire_checkout(expired.id)
    return SimpleNamespace(
        fresh_account=fresh.id,
        account=payee.id,
        open_session=make_session(client).id,
        paid_session=paid.id,
        expired_session=expired.id,
        intent=intent.id,
        declined_intent=client.v1.checkout.sessions.retrieve(declined.id).payment_intent,
        charge=intent.latest_charge,
        bank_charge=client.v1.payment_intents.retrieve(
            client.v1.checkout.sessions.retrieve(bank.id).payment_intent
        ).latest_charge,
        refund=refund.id,
        transfer=transfer.id,
        reversal=reversal.id,
        txn=transfer.balance_transaction,
        event=first_event(client, "charge.refunded"),
        connect_event=first_event(client, "account.updated", stripe_account=payee.id),
    )


def paid_session(client, ctl, outcome):
    session = make_session(client)
    ctl.pay_checkout(session.id, outcome)
    return client.v1.checkout.sessions.retrieve(session.id)


def first_event(client, kind, stripe_account=None):
    options = {"stripe_account": stripe_account} if stripe_account else {}
    return client.v1.events.list({"type": kind}, options=options).data[0].id


def wire_json(obj):
    """The response body as Stripe's JSON, before the SDK turns it into objects."""
    assert obj.last_response is not None, "the object did not come straight from an API response"
    return obj.last_response.data


ONBOARDING_LINK = {
    "refresh_url": "http://app.test/refresh",
    "return_url": "http://app.test/return",
    "type": "account_onboarding",
}


def connected(world):
    return {"stripe_account": world.account}


CASES = [
    pytest.param("account", lambda c, w: c.v1.accounts.retrieve(w.fresh_account), id="account"),
    pytest.param("account", lambda c, w: c.v1.accounts.retrieve(w.account), id="account-onboarded"),
    pytest.param("account", lambda c, w: c.v1.accounts.retrieve_current(), id="account-platform"),
    pytest.param(
        "account",
        lambda c, w: c.v1.accounts.retrieve_current(options=connected(w)),
        id="account-current-connected",
    ),
    pytest.param(
        "account_link",
        lambda c, w: c.v1.account_links.create(dict(ONBOARDING_LINK, account=w.fresh_account)),
        id="account_link",
    ),
    pytest.param(
        "checkout.session", lambda c, w: c.v1.checkout.sessions.retrieve(w.open_session), id="checkout.session"
    ),
    pytest.param(
        "checkout.session",
        lambda c, w: c.v1.checkout.sessions.retrieve(
            w.paid_session, {"expand": ["payment_intent", "payment_intent.latest_charge"]}
        ),
        id="checkout.session-paid-expanded",
    ),
    pytest.param(
        "checkout.session",
        lambda c, w: c.v1.checkout.sessions.retrieve(w.expired_session),
        id="checkout.session-expired",
    ),
    pytest.param("payment_intent", lambda c, w: c.v1.payment_intents.retrieve(w.intent), id="payment_intent"),
    pytest.param(
        "payment_intent", lambda c, w: c.v1.payment_intents.retrieve(w.declined_intent), id="payment_intent-declined"
    ),
    pytest.param("charge", lambda c, w: c.v1.charges.retrieve(w.charge), id="charge"),
    pytest.param("charge", lambda c, w: c.v1.charges.retrieve(w.bank_charge), id="charge-bank"),
    pytest.param("refund", lambda c, w: c.v1.refunds.retrieve(w.refund), id="refund"),
    pytest.param("transfer", lambda c, w: c.v1.transfers.retrieve(w.transfer), id="transfer"),
    pytest.param(
        "transfer_reversal",
        lambda c, w: c.v1.transfers.reversals.retrieve(w.transfer, w.reversal),
        id="transfer_reversal",
    ),
    pytest.param("balance", lambda c, w: c.v1.balance.retrieve(), id="balance"),
    pytest.param("balance", lambda c, w: c.v1.balance.retrieve(options=connected(w)), id="balance-connected"),
    pytest.param(
        "balance_transaction", lambda c, w: c.v1.balance_transactions.retrieve(w.txn), id="balance_transaction"
    ),
    pytest.param("event", lambda c, w: c.v1.events.retrieve(w.event), id="event"),
    pytest.param("event", lambda c, w: c.v1.events.retrieve(w.connect_event, options=connected(w)), id="event-connect"),
    pytest.param("list", lambda c, w: c.v1.accounts.list(), id="list-accounts"),
    pytest.param("list", lambda c, w: c.v1.checkout.sessions.list(), id="list-checkout.sessions"),
    pytest.param("list", lambda c, w: c.v1.payment_intents.list(), id="list-payment_intents"),
    pytest.param(
        "list", lambda c, w: c.v1.charges.list({"expand": ["data.balance_transaction"]}), id="list-charges-expanded"
    ),
    pytest.param("list", lambda c, w: c.v1.refunds.list(), id="list-refunds"),
    pytest.param("list", lambda c, w: c.v1.transfers.list(), id="list-transfers"),
    pytest.param("list", lambda c, w: c.v1.transfers.reversals.list(w.transfer), id="list-transfer_reversals"),
    pytest.param("list", lambda c, w: c.v1.balance_transactions.list(), id="list-balance_transactions"),
    pytest.param(
        "list",
        lambda c, w: c.v1.balance_transactions.list(options=connected(w)),
        id="list-balance_transactions-connected",
    ),
    pytest.param("list", lambda c, w: c.v1.events.list({"limit": 100}), id="list-events"),
    pytest.param("list", lambda c, w: c.v1.events.list(options=connected(w)), id="list-events-connect"),
]


@pytest.mark.parametrize(("kind", "fetch"), CASES)
def test_every_field_is_stripes_with_stripes_type(kind, fetch, stripe_client, world, references):
    body = wire_json(fetch(stripe_client, world))
    assert body["object"] == kind
    problems = shape_mismatches(body, references[kind], Where(kind), references)
    assert not problems, f"this {kind} from the emulator departs from Stripe's fixtures:\n" + "\n".join(problems)
