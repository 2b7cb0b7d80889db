"""Money: the only package that talks to Stripe (gateway, ledger, webhooks) and its local emulator."""
