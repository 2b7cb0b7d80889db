from flask import Blueprint

# No url_prefix: the preferences page lives with the other settings (/settings/notifications).
bp = Blueprint("notifications", __name__)

from app.notifications import cli, mailing, reminders, routes  # noqa: E402,F401
from app.notifications import payouts as _payouts  # noqa: E402

_payouts.register()
