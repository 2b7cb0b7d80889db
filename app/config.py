"""Configuration: defaults, overridden by environment variables, overridden by `create_app(config)`.

Every setting the application reads is named here, so this file is the one place to look.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """Raised at start-up when the configuration cannot run safely."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError as exc:
        raise ConfigError(f"expected a whole number, got {value!r}") from exc


def build_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Return the settings dict for one application instance.

    Raises ConfigError when production mode lacks a secret it must not invent.
    """
    env = os.environ
    overrides = dict(overrides or {})
    app_env = overrides.get("APP_ENV") or env.get("APP_ENV", "development")
    production = app_env == "production"
    instance = Path(instance_path)
    remembered_days = _int(env.get("REMEMBERED_SESSION_IDLE_DAYS"), 30)

    config: dict = {
        "APP_ENV": app_env,
        "SITE_NAME": env.get("SITE_NAME", "Ideaforge"),
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000"),
        "SQLALCHEMY_DATABASE_URI": _database_url(env.get("DATABASE_URL"), instance),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # How long a SQLite writer waits for another writer before giving up.
        "SQLITE_BUSY_TIMEOUT_MS": _int(env.get("SQLITE_BUSY_TIMEOUT_MS"), 10_000),
        "REDIS_URL": env.get("REDIS_URL") or None,
        # Background jobs (app/jobs): "thread" runs them in this process after the commit that made
        # them; "rq" hands them to RQ workers (`make worker`; the default when REDIS_URL is set);
        # "manual" leaves them for `flask jobs run`.
        "JOBS_BACKEND": env.get("JOBS_BACKEND")
        or ("rq" if env.get("REDIS_URL") and app_env != "testing" else "thread"),
        "JOBS_RETRY_SECONDS": float(env.get("JOBS_RETRY_SECONDS") or 30),
        "JOBS_MAX_ATTEMPTS": _int(env.get("JOBS_MAX_ATTEMPTS"), 8),
        # A runner holds a job this long; if it dies, the job runs again once the lease is over.
        # Longer than any job takes (a webhook delivery or a Stripe call with its retries).
        "JOBS_LEASE_SECONDS": float(env.get("JOBS_LEASE_SECONDS") or 600),
        # Notification mail (app/notifications): on, except in tests unless a test turns it on; the
        # bell asks for the unread count this often.
        "NOTIFICATION_MAIL": _bool(env.get("NOTIFICATION_MAIL"), app_env != "testing"),
        "NOTIFICATIONS_POLL_SECONDS": _int(env.get("NOTIFICATIONS_POLL_SECONDS"), 30),
        # Outgoing webhooks (app/webhooks): private and loopback receivers are refused in production
        # unless allowed; attempts default to JOBS_MAX_ATTEMPTS; an endpoint pauses after this many
        # failed deliveries in a row.
        "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": _bool(env.get("WEBHOOK_ALLOW_PRIVATE_ADDRESSES")),
        "WEBHOOK_TIMEOUT_SECONDS": float(env.get("WEBHOOK_TIMEOUT_SECONDS") or 5),
        "WEBHOOK_MAX_ATTEMPTS": _int(env.get("WEBHOOK_MAX_ATTEMPTS"), 0) or None,
        "WEBHOOK_PAUSE_AFTER_FAILURES": _int(env.get("WEBHOOK_PAUSE_AFTER_FAILURES"), 20),
        # Anonymous visitors' board pages are served from a cache this many seconds old at most
        # (app/page_cache.py; Redis when REDIS_URL is set); 0 turns it off. Tests keep it off.
        "PAGE_CACHE_SECONDS": 0 if app_env == "testing" else _int(env.get("PAGE_CACHE_SECONDS"), 5),
        # In-process cache only (no Redis): pages kept per worker, least recently used dropped.
        "PAGE_CACHE_MAX_ENTRIES": _int(env.get("PAGE_CACHE_MAX_ENTRIES"), 500),
        # Requests and uploads larger than this are refused with 413.
        "MAX_CONTENT_LENGTH": _int(env.get("MAX_CONTENT_LENGTH"), 16 * 1024 * 1024),
        # Cookies: HttpOnly and SameSite=Lax always; Secure in production.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        # Signed-in sessions end on the server after this long unused (without and with "keep me
        # signed in"), and at the latest this long after sign-in, whatever cookie the browser keeps.
        # The "keep me signed in" cookie slides with use as the server's limit does (app/auth/sessions.py).
        "SESSION_IDLE_HOURS": _int(env.get("SESSION_IDLE_HOURS"), 24),
        "REMEMBERED_SESSION_IDLE_DAYS": remembered_days,
        "SESSION_MAX_AGE_DAYS": _int(env.get("SESSION_MAX_AGE_DAYS"), 90),
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * remembered_days,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "HSTS_ENABLED": production,
        # CSRF tokens live as long as the session; the form still re-renders a fresh one.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_ENABLED": True,
        # Rate limits (Flask-Limiter): Redis when configured, memory otherwise.
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL") or "memory://",
        # In production limits must be shared by every worker (a store such as Redis); a site that
        # runs one process on purpose says so with RATELIMIT_PER_PROCESS=1.
        "RATELIMIT_PER_PROCESS": _bool(env.get("RATELIMIT_PER_PROCESS"), False),
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_LOGIN": env.get("RATELIMIT_LOGIN", "10 per minute;50 per hour"),
        "RATELIMIT_SIGNUP": env.get("RATELIMIT_SIGNUP", "5 per minute;30 per hour"),
        "RATELIMIT_RESET": env.get("RATELIMIT_RESET", "5 per minute;20 per hour"),
        "RATELIMIT_WRITE": env.get("RATELIMIT_WRITE", "60 per minute"),
        # Failed logins for one email: after LOGIN_LOCK_AFTER failures the account waits,
        # doubling from LOGIN_LOCK_BASE_SECONDS up to LOGIN_LOCK_MAX_SECONDS.
        "LOGIN_LOCK_AFTER": _int(env.get("LOGIN_LOCK_AFTER"), 5),
        "LOGIN_LOCK_BASE_SECONDS": _int(env.get("LOGIN_LOCK_BASE_SECONDS"), 60),
        "LOGIN_LOCK_MAX_SECONDS": _int(env.get("LOGIN_LOCK_MAX_SECONDS"), 3600),
        "PASSWORD_MIN_LENGTH": _int(env.get("PASSWORD_MIN_LENGTH"), 10),
        "PASSWORD_RESET_MAX_AGE": _int(env.get("PASSWORD_RESET_MAX_AGE"), 60 * 60),
        "EMAIL_VERIFY_MAX_AGE": _int(env.get("EMAIL_VERIFY_MAX_AGE"), 60 * 60 * 24 * 3),
        "INVITATION_MAX_AGE_DAYS": _int(env.get("INVITATION_MAX_AGE_DAYS"), 14),
        # Mail: "smtp" sends through MAIL_SERVER; "console" prints and writes instance/mail/*.eml
        # (and a readable .txt beside each).
        "MAIL_BACKEND": env.get("MAIL_BACKEND", "smtp" if production else "console"),
        "MAIL_SERVER": env.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": _int(env.get("MAIL_PORT"), 25),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(env.get("MAIL_USE_SSL")),
        "MAIL_TIMEOUT": _int(env.get("MAIL_TIMEOUT"), 10),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Ideaforge <no-reply@ideaforge.local>"),
        "MAIL_DIR": str(instance / "mail"),
        # Stripe (the payments package is the only reader of these).
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE") or None,
        "STRIPE_MAX_NETWORK_RETRIES": _int(env.get("STRIPE_MAX_NETWORK_RETRIES"), 2),
        "STRIPE_TIMEOUT_SECONDS": _int(env.get("STRIPE_TIMEOUT_SECONDS"), 20),
        # Added to the reward when an organisation funds a challenge (percent of the reward).
        "PLATFORM_FEE_PERCENT": _int(env.get("PLATFORM_FEE_PERCENT"), 5),
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or str(instance / "uploads"),
        # Largest single file a challenge submission may attach (bytes).
        "UPLOAD_MAX_BYTES": _int(env.get("UPLOAD_MAX_BYTES"), 10 * 1024 * 1024),
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
        "TRUSTED_PROXIES": _int(env.get("TRUSTED_PROXIES"), 0),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        "SECRET_KEY": env.get("SECRET_KEY") or None,
    }
    config.update(overrides)

    if not config["SECRET_KEY"]:
        if production:
            raise ConfigError("SECRET_KEY must be set when APP_ENV=production.")
        config["SECRET_KEY"] = _instance_secret(instance)
    if production and config["MAIL_BACKEND"] == "console":
        raise ConfigError("MAIL_BACKEND=console is for development; set SMTP settings in production.")
    if production and unshared_rate_limits(config) and not config["RATELIMIT_PER_PROCESS"]:
        raise ConfigError(
            "Rate limits would be counted by each worker on its own (in memory), so every gunicorn worker "
            "would allow the full limit again. Set REDIS_URL (or RATELIMIT_STORAGE_URI to a shared store); "
            "to run a single process on purpose, set RATELIMIT_PER_PROCESS=1."
        )
    return config


def unshared_rate_limits(config: dict) -> bool:
    return bool(config["RATELIMIT_ENABLED"]) and str(config["RATELIMIT_STORAGE_URI"]).startswith("memory://")


def _database_url(url: str | None, instance: Path) -> str:
    """SQLite in instance/ by default; postgres:// URLs are routed to psycopg 3."""
    if not url:
        return f"sqlite:///{instance / 'app.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(instance: Path) -> str:
    """A development secret generated once and kept in instance/, so sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
