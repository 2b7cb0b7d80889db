import pytest

from app import create_app
from app.config import ConfigError, build_config


def test_production_without_secret_key_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        build_config(str(tmp_path), {"APP_ENV": "production", "MAIL_BACKEND": "smtp"})


def test_development_generates_a_secret_once_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = build_config(str(tmp_path))["SECRET_KEY"]
    second = build_config(str(tmp_path))["SECRET_KEY"]
    assert len(first) >= 40 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_selects_postgresql_with_psycopg(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/ideas")
    assert build_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1:5432/ideas"


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert build_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'app.db'}"


def test_production_without_a_shared_rate_limit_store_refuses_to_start(tmp_path, monkeypatch):
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "RATELIMIT_PER_PROCESS"):
        monkeypatch.delenv(name, raising=False)
    settings = {"APP_ENV": "production", "MAIL_BACKEND": "smtp", "SECRET_KEY": "x" * 40}
    with pytest.raises(ConfigError, match="REDIS_URL"):
        build_config(str(tmp_path), settings)
    assert build_config(str(tmp_path), {**settings, "RATELIMIT_STORAGE_URI": "redis://cache:6379/0"})
    assert build_config(str(tmp_path), {**settings, "RATELIMIT_PER_PROCESS": True})  # one process, said so


def test_production_cookies_are_secure_and_hsts_is_sent(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app(
        {
            "APP_ENV": "production",
            "MAIL_BACKEND": "smtp",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_PER_PROCESS": True,
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
