"""Crowd challenges: posting, the solver agreement, confidential submissions, Q&A, judging and
awards. The money is `challenges.payments`."""

from flask import Blueprint, Flask

bp = Blueprint("challenges", __name__)


def init_app(app: Flask) -> None:
    from app import events, jobs
    from app.notifications import bp as notifications_bp
    from challenges import api, models, routes  # noqa: F401  (tables; routes on bp)
    from challenges.notify import judging, posting, reminders, solving

    app.register_blueprint(bp)
    app.register_blueprint(api.challenges_api)
    events.connect(app, judging, posting, solving)
    jobs.connect(app, reminders)
    notifications_bp.cli.add_command(reminders.send_reminders_command)
