"""A member's own settings: profile, email, password, sessions."""

from flask import Blueprint, Flask

bp = Blueprint("accounts", __name__)


def init_app(app: Flask) -> None:
    from app.accounts import routes  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
