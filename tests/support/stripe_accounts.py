"""A connected Express account and a Checkout Session as the product creates them, for tests that
talk to the emulator."""


def make_account(client, **extra):
    params = {
        "controller": {
            "stripe_dashboard": {"type": "express"},
            "fees": {"payer": "application"},
            "losses": {"payments": "application"},
        },
        "email": "solver@example.com",
        "country": "US",
        "capabilities": {"transfers": {"requested": True}},
        "metadata": {"user_id": "42"},
    }
    return client.v1.accounts.create(dict(params, **extra))


def make_session(client, amount=10000, currency="usd", **extra):
    params = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {"currency": currency, "unit_amount": amount, "product_data": {"name": "Reward"}},
                "quantity": 1,
            }
        ],
        "success_url": "http://shop.test/funded?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://shop.test/cancelled",
        "client_reference_id": "challenge-1",
        "customer_email": "org@example.com",
        "metadata": {"challenge_id": "1"},
        "payment_intent_data": {"transfer_group": "challenge-1", "metadata": {"challenge_id": "1"}},
    }
    params.update(extra)
    return client.v1.checkout.sessions.create(params)
