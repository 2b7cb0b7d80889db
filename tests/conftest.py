"""Fixtures: `app`, `db`, `client`, `runner`, `mailbox`, signed-in clients per role.

Each test process gets its own database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
migrated once with Alembic; every table is emptied after each test.
"""

from __future__ import annotations

import os

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import settings as hypothesis_settings

from app import create_app
from app.extensions import db as _db
from app.extensions import limiter
from app.jobs import wait_idle
from tests.support import factories
from tests.support.databases import test_database, wipe
from tests.support.smtp import start_smtp_server

# Property tests run the same examples on every run ("ci", the default), so a failure in CI fails
# again with `make test`; HYPOTHESIS_PROFILE=explore searches new examples and prints the blob
# that replays a failure (@reproduce_failure).
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def worker_id_safe(request) -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def smtp_server():
    controller, mailbox = start_smtp_server()
    yield controller, mailbox
    controller.stop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id_safe):
    with test_database(tmp_path_factory.mktemp("db"), worker_id_safe) as url:
        app = create_app(_base_config(url, tmp_path_factory.mktemp("instance"), 0))
        with app.app_context():
            upgrade()
            _db.engine.dispose()
        yield url


def _base_config(url: str, tmp_dir, smtp_port: int) -> dict:
    return {
        "TESTING": True,
        "APP_ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_DIR": str(tmp_dir / "mail"),
        "JOBS_BACKEND": "thread",
        "JOBS_RETRY_SECONDS": 0.05,
        "UPLOAD_DIR": str(tmp_dir / "uploads"),
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
    }


@pytest.fixture
def app_config(database_url, smtp_server, tmp_path) -> dict:
    """Override keys in a test with `@pytest.mark.parametrize` or by requesting and editing."""
    return _base_config(database_url, tmp_path, smtp_server[0].port)


class IsolatedClient(FlaskClient):
    """Each request runs in an app context of its own, as it does in production, so `g`
    (Flask-Login's cached user) and the database session never leak between requests or
    between two clients in one test. The test's own session is committed before and
    expired after, so what the test reads afterwards is what the request wrote."""

    def open(self, *args, **kwargs):
        _db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.expire_all()
        return response


@pytest.fixture
def app(app_config):
    application = create_app(app_config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        yield application
        wait_idle()  # background jobs of this test finish before its data goes
        _db.session.remove()
        wipe(_db.engine)
        _db.engine.dispose()
    limiter.reset()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def mailbox(smtp_server):
    box = smtp_server[1]
    box.clear()
    return box


@pytest.fixture
def user(app):
    return factories.make_user(name="Casey Customer")


@pytest.fixture
def user_client(app, user):
    client = app.test_client()
    factories.login(client, user)
    client.user = user
    return client


@pytest.fixture
def org(app):
    return factories.make_org(name="Acme Analytics", slug="acme")


@pytest.fixture
def org_admin_client(app, org):
    admin = org.memberships[0].user
    client = app.test_client()
    factories.login(client, admin)
    client.user = admin
    return client


@pytest.fixture
def site_admin_client(app):
    admin = factories.make_user(name="Site Admin", site_admin=True)
    client = app.test_client()
    factories.login(client, admin)
    client.user = admin
    return client


# Browser journeys (tests/browser and a few elsewhere) share one Chromium per test process: Playwright's
# sync API allows one instance per thread.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (CHROMIUM), driven by Playwright; contexts keep tests apart."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def sqlite_only(db):
    """For tests of SQLite's single write lock and its file: PostgreSQL locks rows, and is backed up
    with pg_dump (README, Backups)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: its single write lock and its database file")
