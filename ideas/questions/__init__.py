"""Peer support: customers ask, other customers answer, kudos thank them, and the asker (or the
organisation's product managers, or a trusted member) accepts the solution."""

from flask import Blueprint, Flask

bp = Blueprint("questions", __name__)


def init_app(app: Flask) -> None:
    from ideas.questions import api, feeds, models, routes  # noqa: F401  (tables; routes on bp)

    app.register_blueprint(bp)
    app.register_blueprint(api.questions_api)
