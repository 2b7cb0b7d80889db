from flask import Blueprint

bp = Blueprint("challenges", __name__)

from challenges import notify, routes  # noqa: E402,F401  (routes; subscribers to domain events)
