"""What every template can use: filters for dates and Markdown, and the site's name. Packages add
their own (organisations, the bell) in their `init_app`."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app

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


def register(app: Flask) -> None:
    from app.forms import note_field_errors, takes_focus
    from app.markdown import render_markdown
    from app.urls import site_url
    from app.web import refusal_for

    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(time_ago, "ago")
    app.add_template_filter(iso, "iso")
    app.add_template_filter(long_date, "long_date")
    app.add_template_global(takes_focus, "takes_focus")
    app.add_template_global(note_field_errors, "note_field_errors")
    app.add_template_global(refusal_for, "refusal_for")
    app.add_template_global(site_url, "site_url")

    @app.context_processor
    def site_context():
        return {"site_name": current_app.config["SITE_NAME"]}
