"""A local, stateful Stripe for development and tests, spoken to through the real ``stripe`` SDK.

    url, controller = serve_in_thread()
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": url, "connect": url, "files": url})

Run it alone with ``python -m challenges.payments.emulator --port 12111``.
"""

from .app import EmulatorApp, make_app, serve_in_thread
from .control import Controller
from .webhooks import sign

__all__ = ["Controller", "EmulatorApp", "make_app", "serve_in_thread", "sign"]
