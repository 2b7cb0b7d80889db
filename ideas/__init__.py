"""The ideas exchange: boards, ideas and their votes' record, comments, statuses, ranking,
merging, search, community moderation, and peer support (questions and answers)."""

from flask import Blueprint, Flask

bp = Blueprint("ideas", __name__)


def init_app(app: Flask) -> None:
    from app import events, jobs
    from ideas import api, invitations, models, notify, routes  # noqa: F401  (tables; routes on bp)
    from ideas.moderation import community
    from ideas.moderation import models as moderation_models  # noqa: F401  (tables)
    from ideas.questions import init_app as init_questions

    app.register_blueprint(bp)
    app.register_blueprint(api.ideas_api)
    events.connect(app, notify, community)
    jobs.connect(app, invitations)
    init_questions(app)
