"""The notifications page, the bell in the header (htmx refreshes its count), mail preferences
and the unsubscribe link every notification mail carries."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.tokens import InvalidToken
from app.errors_domain import DomainError
from app.extensions import csrf, db, limiter
from app.notifications import bp, kinds, mailing, preferences, services
from app.notifications.models import Notification
from app.web import redirect_to, render, safe_next


@bp.get("/notifications/")
@login_required
def index():
    before = request.args.get("before", type=int)
    items = services.recent(current_user, before_id=before)
    return render(
        "notifications/index.html",
        notifications=items,
        older=items[-1].id if len(items) == services.PAGE_SIZE else None,
    )


@bp.get("/notifications/bell")
@login_required
@limiter.exempt
def bell():
    """The bell alone, for htmx to poll."""
    return render(
        "notifications/_bell.html", partial="notifications/_bell.html", unread=services.unread_count(current_user)
    )


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    """Mark as read and go to what it is about."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    services.mark_read(current_user, notification_id)
    return redirect_to(safe_next(notification.link, url_for("notifications.index")))


@bp.post("/notifications/read-all")
@login_required
def read_all():
    services.mark_all_read(current_user)
    return redirect_to(url_for("notifications.index"))


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def settings():
    chosen = preferences.chosen(current_user.id)
    status, errors = 200, {}
    if request.method == "POST":
        submitted = {kind.key: request.form[kind.key] for kind in kinds.MAILED if kind.key in request.form}
        try:
            preferences.save(current_user, submitted)
        except DomainError as error:
            chosen, status, errors = {**chosen, **submitted}, error.status, error.fields or {}
            flash(error.message, "error")
        else:
            flash("Notification settings saved.", "success")
            return redirect_to(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html", kinds=kinds.MAILED, chosen=chosen, deliveries=kinds.DELIVERIES, errors=errors
    ), status


def _unsubscribe_target(token: str) -> tuple[int, str, list[str]]:
    """(user id, what the link names, the kinds it turns off); 404 for a bad link."""
    try:
        user_id, kind = mailing.read_unsubscribe_token(token)
    except InvalidToken:
        abort(404)
    if kind == mailing.DIGEST:
        keys = [key for key, delivery in preferences.chosen(user_id).items() if delivery == kinds.DAILY]
        return user_id, "your daily digest", keys
    if kind not in kinds.KINDS:
        abort(404)
    return user_id, f"“{kinds.label(kind)}”", [kind]


@bp.get("/notifications/unsubscribe/<token>")
def unsubscribe(token: str):
    """The link in the mail only asks: following a link (or a mail scanner) changes nothing."""
    _, what, _keys = _unsubscribe_target(token)
    return render_template("notifications/unsubscribe.html", what=what, token=token, done=False)


@bp.post("/notifications/unsubscribe/<token>")
@csrf.exempt  # the signed token is the credential; mail clients POST here (RFC 8058 one-click)
@limiter.limit("30 per minute")
def unsubscribe_confirm(token: str):
    user_id, what, keys = _unsubscribe_target(token)
    preferences.turn_off(user_id, keys)
    return render_template("notifications/unsubscribe.html", what=what, token=token, done=True)
