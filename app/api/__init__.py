"""The versioned JSON API under /api/v1, its OpenAPI document and reference page, and the
settings page where people manage their personal access tokens."""

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The HTML side: /api/docs and /settings/tokens.
pages_bp = Blueprint("api_pages", __name__)


def init_app(app: Flask) -> None:
    from app import events
    from app.api import auth, cli, models, pages, routes, services  # noqa: F401  (tables; routes on the blueprints)

    auth.register(app)
    events.connect(app, services)
    app.register_blueprint(bp)
    app.register_blueprint(pages_bp)
    app.cli.add_command(cli.tokens_cli)
