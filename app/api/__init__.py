"""The versioned JSON API under /api/v1, its OpenAPI document and reference page, and the
settings page where people manage their personal access tokens."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The HTML side: /api/docs and /settings/tokens.
pages_bp = Blueprint("api_pages", __name__)


@bp.record_once
def _set_up(state) -> None:
    from app.api import auth

    auth.register(state.app)


from app.api import pages, routes  # noqa: E402,F401
