"""A local Stripe emulator over HTTP (one per test module), and the app pointed at it through the real SDK."""

import pytest

from challenges.payments.emulator import serve_in_thread

WEBHOOK_SECRET = "whsec_test_app"


@pytest.fixture(scope="module")
def emulator():
    url, controller = serve_in_thread(webhook_backoff=0.05, webhook_timeout=5, seed=3)
    yield url, controller
    controller.shutdown()


@pytest.fixture
def ctl(emulator):
    emulator[1].reset()
    return emulator[1]


@pytest.fixture
def app_config(app_config, emulator, request):
    # A module with SETTLE_BY_HAND = True settles step by step (settle.settle); the settle jobs its
    # actions enqueue wait instead of running beside it (tests/payments/test_settle_job.py runs them).
    by_hand = getattr(request.module, "SETTLE_BY_HAND", False)
    return {
        **app_config,
        "JOBS_BACKEND": "manual" if by_hand else app_config["JOBS_BACKEND"],
        "STRIPE_SECRET_KEY": "sk_test_app",
        "STRIPE_API_BASE": emulator[0],
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_MAX_NETWORK_RETRIES": 0,
        "STRIPE_TIMEOUT_SECONDS": 5,
        "PLATFORM_FEE_PERCENT": 5,
    }
