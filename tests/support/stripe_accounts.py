"""A connected Express account as the product creates one, for tests that talk to the emulator."""


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
