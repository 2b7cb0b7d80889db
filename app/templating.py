"""What every template can use: filters for dates and the signed-in user's organisations."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app
from flask_login import current_user

from app.clock import utcnow


def time_ago(value: datetime | None) -> str:
    if value is None:
        return ""
    seconds = int((utcnow() - value).total_seconds())
    if seconds < 60:
        return "just now"
    for unit, size in (
        ("year", 31536000),
        ("month", 2592000),
        ("week", 604800),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
    ):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def long_date(value: datetime | None) -> str:
    return f"{value:%d %b %Y, %H:%M} UTC" if value else ""


def role_names(roles) -> str:
    from app.orgs.models import ROLE_LABELS

    return ", ".join(ROLE_LABELS[role] for role in roles) or "Member"


def register(app: Flask) -> None:
    from app.markdown import render_markdown

    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(role_names, "role_names")
    app.add_template_filter(time_ago, "ago")
    app.add_template_filter(iso, "iso")
    app.add_template_filter(long_date, "long_date")

    @app.context_processor
    def site_context():
        from app.orgs.services import organisations_of
        from app.notifications.services import unread_count

        signed_in = current_user.is_authenticated
        return {
            "site_name": current_app.config["SITE_NAME"],
            "my_organisations": organisations_of(current_user) if signed_in else [],
            "unread_notifications": unread_count(current_user) if signed_in else 0,
        }
