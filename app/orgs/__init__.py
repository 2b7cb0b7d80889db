from flask import Blueprint

bp = Blueprint("orgs", __name__, url_prefix="/orgs")

from app.orgs import routes  # noqa: E402,F401
