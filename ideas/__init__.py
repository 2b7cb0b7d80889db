from flask import Blueprint

bp = Blueprint("ideas", __name__)

from ideas import notify, routes  # noqa: E402,F401  (routes; subscribers to domain events)
