"""`flask notifications send-digests` (daily; challenges add `send-reminders`, hourly, to this
group). Mail goes out through jobs; the commands wait for them before they exit."""

from __future__ import annotations

import click

from app.jobs import wait_idle
from app.notifications import bp


@bp.cli.command("send-digests")
def send_digests() -> None:
    """Queue one digest mail per member with daily notifications waiting."""
    from app.notifications.mailing import send_digests as run

    click.echo(f"{run()} digests queued")
    wait_idle(60)
