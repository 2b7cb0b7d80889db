"""Organisations, their members and roles, invitations."""

from flask import Blueprint, Flask

bp = Blueprint("orgs", __name__, url_prefix="/orgs")


def init_app(app: Flask) -> None:
    from app import jobs
    from app.orgs import cli, invitations, models, routes, templating  # noqa: F401  (tables; routes on bp)

    app.register_blueprint(bp)
    jobs.connect(app, invitations)
    app.cli.add_command(cli.orgs_cli)
    templating.init_app(app)
