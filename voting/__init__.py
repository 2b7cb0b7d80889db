"""Voting: casting and retracting votes, vote budgets, votes recorded for customers, and demand
weighted by what each customer is worth (`voting.demand`)."""

from flask import Blueprint, Flask

bp = Blueprint("voting", __name__)


def init_app(app: Flask) -> None:
    from app import events
    from ideas import budgets
    from voting import api, cli, models, routes, services, subscribers  # noqa: F401  (tables; routes on bp)
    from voting.demand import api as demand_api
    from voting.demand import models as demand_models  # noqa: F401  (tables)
    from voting.demand import routes as demand_routes
    from voting.demand import voters

    for blueprint in (bp, api.voting_api, demand_routes.bp, demand_api.bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(cli.votes_cli)
    app.cli.add_command(cli.ranking_cli)
    budgets.install(app, services.remaining_votes)
    app.add_template_global(voters.idea_voters, "idea_voters")  # ideas/show.html, for its PMs
    events.connect(app, subscribers)
