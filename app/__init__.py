"""The application factory: `create_app()` builds a configured Flask app."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.config import build_config, unshared_rate_limits
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

    from app import logs

    logs.configure(app)
    if app.config["APP_ENV"] == "production" and unshared_rate_limits(app.config):
        logging.getLogger(__name__).warning(
            "rate limits are counted by each process on its own (RATELIMIT_PER_PROCESS=1): run a single worker"
        )
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    # Ids in URLs beyond a database INTEGER cannot exist: a plain 404, not an overflow error.
    app.url_map.converters["int"] = DatabaseIdConverter
    _init_kernel(app)
    for package in _packages():
        package.init_app(app)
    return app


def _packages() -> tuple:
    """Every package with its blueprints, commands, event subscribers and job handlers, in layer
    order (README, "Layers"): platform, features, money, then the readers of all of them."""
    import challenges
    import ideas
    import voting
    from app import accounts, admin, api, auth, community, main, notifications, orgs, reputation, seed, webhooks
    from challenges import payments

    return (
        auth,
        accounts,
        orgs,
        notifications,
        api,
        reputation,
        ideas,
        voting,
        challenges,
        payments,
        community,
        webhooks,
        main,
        admin,
        seed,
    )


class DatabaseIdConverter(IntegerConverter):
    """Matches only 0 … 2 147 483 647 (a database INTEGER), by regex, so a larger number
    matches no rule at all and answers 404 (rejecting it later would confuse method matching)."""

    regex = (
        r"(?:[0-9]{1,9}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
        r"|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])"
    )

    def __init__(
        self, url_map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed: bool = False
    ) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=False)


def _init_kernel(app: Flask) -> None:
    from app import backup, errors, events, jobs, security, templating, web
    from app.db_types import tune_sqlite

    app.json = web.JSONProvider(app)
    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    backup.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    events.init_app(app)
    jobs.init_app(app)
    errors.register(app)
    security.register(app)
    templating.register(app)
