"""The gateway's calls against Stripe's own test mode, when STRIPE_TEST_SECRET_KEY is set; the
same calls run against the local emulator everywhere else in this folder."""

import os

import pytest

from challenges.payments import gateway

KEY = os.environ.get("STRIPE_TEST_SECRET_KEY")
pytestmark = pytest.mark.skipif(
    not KEY, reason="STRIPE_TEST_SECRET_KEY is not set: Stripe's test mode is not reachable"
)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "STRIPE_SECRET_KEY": KEY, "STRIPE_API_BASE": None, "STRIPE_MAX_NETWORK_RETRIES": 2}


def test_checkout_session_for_a_reward(app):
    session = gateway.create_checkout_session(
        key=gateway.key("contract-checkout", os.getpid()),
        amount=105_000,
        currency="usd",
        name="Reward",
        description="Reward $1,000 + platform fee $50",
        transfer_group="challenge_contract",
        metadata={"challenge_id": "0"},
        success_url="https://example.com/done?s={CHECKOUT_SESSION_ID}",
        cancel_url="https://example.com/back",
    )
    assert session.url.startswith("https://checkout.stripe.com/") and session.amount_total == 105_000
    assert gateway.retrieve_checkout_session(session.id).payment_intent is None


def test_connected_account_and_onboarding_link(app):
    account = gateway.create_account(
        key=gateway.key("contract-account", os.getpid()), email="solver@example.com", user_id=0
    )
    link = gateway.create_account_link(account.id, "https://example.com/refresh", "https://example.com/return")
    assert link.url.startswith("https://connect.stripe.com/")
    assert gateway.retrieve_account(account.id).payouts_enabled is False


def test_refund_of_a_test_charge(app):
    intent = gateway.client().v1.payment_intents.create(
        {
            "amount": 2_000,
            "currency": "usd",
            "payment_method": "pm_card_bypassPending",
            "confirm": True,
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
        }
    )
    refund = gateway.create_refund(
        key=gateway.key("contract-refund", intent.id),
        charge=intent.latest_charge,
        amount=500,
        metadata={"challenge_id": "0"},
    )
    assert refund.amount == 500 and refund.status in ("succeeded", "pending")
