"""Outgoing webhooks: organisation admins register endpoints; events are POSTed to them, signed."""

from flask import Blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/orgs/<slug>/webhooks")

from app.webhooks import delivery, routes, subscribers  # noqa: E402,F401  (job handler, pages, events)
