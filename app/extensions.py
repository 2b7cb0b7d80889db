"""Every Flask extension instance, created unbound; `create_app` binds them with init_app()."""

from flask import current_app, request
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so migrations can name what they alter or drop on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def rate_limit_key() -> str:
    """Signed-in users are limited per account, visitors per address."""
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{get_remote_address()}"


def _write_limit() -> str:
    return current_app.config["RATELIMIT_WRITE"]


def _is_read_only() -> bool:
    return request.method in ("GET", "HEAD", "OPTIONS")


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
# Every write is limited by default (RATELIMIT_WRITE); reads are not.
limiter = Limiter(
    key_func=rate_limit_key,
    default_limits=[_write_limit],
    default_limits_exempt_when=_is_read_only,
)
