"""`flask notifications send-digests` (daily) and `flask notifications send-reminders` (hourly).
Mail goes out through jobs; the commands wait for them before they exit."""

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


@bp.cli.command("send-reminders")
def send_reminders() -> None:
    """Remind solvers of challenges closing within 48 hours (once per challenge and solver)."""
    from app.notifications.reminders import send_reminders as run

    click.echo(f"{run()} solvers reminded")
    wait_idle(60)
