"""An organisation's community, read across every feature: the rules that turn votes, answers,
deliveries and awards into reputation, the leaderboard, profiles and the community's health."""

from flask import Flask


def init_app(app: Flask) -> None:
    from app import events
    from app.community import cli, question_rules, routes, rules

    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.reputation_cli)
    events.connect(app, rules, question_rules)
