"""The home page and an organisation's public page: readers of every feature's lists."""

from flask import Blueprint, Flask

bp = Blueprint("main", __name__)


def init_app(app: Flask) -> None:
    from app.main import routes, seo  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
