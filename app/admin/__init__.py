"""The site administrators' pages: people, jobs, the state of the site."""

from flask import Blueprint, Flask

bp = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    from app.admin import routes  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
