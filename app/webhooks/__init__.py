"""Outgoing webhooks: organisation admins register endpoints; events are POSTed to them, signed."""

from flask import Blueprint, Flask

bp = Blueprint("webhooks", __name__, url_prefix="/orgs/<slug>/webhooks")


def init_app(app: Flask) -> None:
    from app import events, jobs
    from app.webhooks import api, delivery, models, routes, subscribers  # noqa: F401  (tables; routes on bp)

    app.register_blueprint(bp)
    app.register_blueprint(api.webhooks_api)
    jobs.connect(app, delivery)
    events.connect(app, subscribers)
