"""In-app notifications, the bell, mail of them (at once or in a daily digest) and each member's
choices. Features tell members things with `services.notify` from their event subscribers."""

from flask import Blueprint, Flask

# No url_prefix: the preferences page lives with the other settings (/settings/notifications).
bp = Blueprint("notifications", __name__)


def init_app(app: Flask) -> None:
    from app import jobs
    from app.notifications import cli, mailing, models, routes, services  # noqa: F401  (tables; routes on bp)

    app.register_blueprint(bp)
    jobs.connect(app, mailing)
    app.context_processor(services.unread_context)
