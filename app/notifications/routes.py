"""The notifications page and the bell in the header (htmx refreshes its count)."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user, login_required

from app.extensions import db, limiter
from app.notifications import bp, services
from app.notifications.models import Notification
from app.web import redirect_to, render, safe_next


@bp.get("/")
@login_required
def index():
    before = request.args.get("before", type=int)
    items = services.recent(current_user, before_id=before)
    return render("notifications/index.html", notifications=items,
                  older=items[-1].id if len(items) == services.PAGE_SIZE else None)


@bp.get("/bell")
@login_required
@limiter.exempt
def bell():
    """The bell alone, for htmx to poll."""
    return render("notifications/_bell.html", partial="notifications/_bell.html",
                  unread=services.unread_count(current_user))


@bp.post("/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    """Mark as read and go to what it is about."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    services.mark_read(current_user, notification_id)
    return redirect_to(safe_next(notification.link, url_for("notifications.index")))


@bp.post("/read-all")
@login_required
def read_all():
    services.mark_all_read(current_user)
    return redirect_to(url_for("notifications.index"))
