from flask import Blueprint

bp = Blueprint("voting", __name__)

from voting import routes  # noqa: E402,F401
