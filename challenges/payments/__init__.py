"""Money: the only package that talks to Stripe (gateway, ledger, webhooks) and its local emulator."""

from flask import Flask


def init_app(app: Flask) -> None:
    from app import events, jobs
    from challenges.payments import cli, models, notify, routes, settle  # noqa: F401  (tables)

    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.payments_cli)
    events.connect(app, settle, notify)
    jobs.connect(app, settle)
