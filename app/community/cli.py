"""`flask reputation rebuild`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

reputation_cli = AppGroup("reputation", help="Reputation points, levels and Super Fans.")


@reputation_cli.command("rebuild")
@click.option("--totals-only", is_flag=True, help="Only recompute the totals from the recorded events.")
def rebuild_command(totals_only: bool) -> None:
    """Regenerate derived points from the source tables and recompute every total."""
    from app.community.rebuild import rebuild

    report = rebuild(regenerate=not totals_only)
    for line in report.events_added:
        click.echo(f"event added: {line}")
    for user_id, org_id, was, now in report.totals_fixed:
        click.echo(f"total fixed: user {user_id} in organisation {org_id}: {was} -> {now}")
    click.echo(
        "Reputation was already consistent."
        if report.clean
        else f"Reputation rebuilt: {len(report.events_added)} events added, {len(report.totals_fixed)} totals fixed."
    )
