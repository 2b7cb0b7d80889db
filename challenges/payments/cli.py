"""`flask payments sync` and `flask payments reconcile`."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

payments_cli = AppGroup("payments", help="Stripe payments: catch up on events, reconcile the ledger.")


@payments_cli.command("sync")
@click.option("--days", default=3, show_default=True, help="How far back to fetch events.")
def sync(days: int) -> None:
    """Fetch recent Stripe events, apply any that were missed, retry payouts and refunds owed."""
    from challenges.payments import webhooks

    counts = webhooks.sync(int(time.time()) - days * 86400)
    click.echo(f"{counts['seen']} events seen, {counts['applied']} applied, {counts['failed']} failed.")
    if counts["failed"]:
        raise SystemExit(1)


@payments_cli.command("reconcile")
def reconcile() -> None:
    """Compare the ledger with Stripe's charges, transfers and refunds; exit 1 on any difference."""
    from challenges.payments import reports

    problems = reports.reconcile()
    for problem in problems:
        click.echo(problem)
    click.echo(f"{len(problems)} difference{'s' if len(problems) != 1 else ''}.")
    if problems:
        raise SystemExit(1)
