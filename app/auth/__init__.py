"""Accounts' front door: sign-up, sign-in, sessions that end on the server, password resets."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    from app.auth import cli, models, routes, sessions  # noqa: F401  (tables; routes on bp)
    from app.extensions import login_manager

    sessions.register(app, login_manager)
    app.register_blueprint(bp)
    app.cli.add_command(cli.users_cli)
