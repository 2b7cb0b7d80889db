"""The application factory: `create_app()` builds a configured Flask app."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.config import build_config
from app.extensions import csrf, db, htmx, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(build_config(app.instance_path, config))

    from app import audit

    audit.configure_logging(app)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    # Ids in URLs beyond a database INTEGER cannot exist: a plain 404, not an overflow error.
    app.url_map.converters["int"] = DatabaseIdConverter
    _init_extensions(app)
    _register_blueprints(app)
    from app.jobs import runner as job_runner

    job_runner.register(app)

    from app import cli, errors, security, templating

    errors.register(app)
    security.register(app)
    templating.register(app)
    cli.register(app)
    return app


class DatabaseIdConverter(IntegerConverter):
    """Matches only 0 … 2 147 483 647 (a database INTEGER), by regex, so a larger number
    matches no rule at all and answers 404 (rejecting it later would confuse method matching)."""

    regex = (
        r"(?:[0-9]{1,9}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
        r"|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])"
    )

    def __init__(
        self,
        url_map,
        fixed_digits: int = 0,
        min: int | None = None,  # noqa: A002
        max: int | None = None,
        signed: bool = False,
    ) -> None:  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=False)


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (registers every table)
    from app.db_types import tune_sqlite

    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)

    from app.auth import sessions

    login_manager.init_app(app)
    sessions.register(app, login_manager)


def _register_blueprints(app: Flask) -> None:
    from app.accounts import bp as accounts_bp
    from app.admin import bp as admin_bp
    from app.api import bp as api_bp
    from app.api import pages_bp as api_pages_bp
    from app.auth import bp as auth_bp
    from app.main import bp as main_bp
    from app.notifications import bp as notifications_bp
    from app.orgs import bp as orgs_bp
    from challenges import bp as challenges_bp
    from challenges.api import challenges_api
    from ideas import bp as ideas_bp
    from ideas.api import ideas_api
    from voting import bp as voting_bp
    from voting.demand_api import bp as demand_api_bp
    from voting.demand_routes import bp as demand_bp
    from voting.api import voting_api
    from app.webhooks import bp as webhooks_bp
    from app.webhooks.api import webhooks_api

    for blueprint in (
        main_bp,
        notifications_bp,
        auth_bp,
        accounts_bp,
        orgs_bp,
        admin_bp,
        api_bp,
        api_pages_bp,
        ideas_bp,
        voting_bp,
        demand_bp,
        demand_api_bp,
        challenges_bp,
        ideas_api,
        voting_api,
        challenges_api,
        webhooks_bp,
        webhooks_api,
    ):
        app.register_blueprint(blueprint)
    from app.reputation.routes import bp as reputation_bp

    app.register_blueprint(reputation_bp)
    from challenges.payments.routes import register as register_payments

    register_payments(app)
