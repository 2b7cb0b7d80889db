"""`flask jobs run` (once, or --loop as a worker without Redis), `flask jobs list`, `flask jobs retry`."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from app.jobs.dispatch import retry_now
from app.jobs.models import Job, JobState
from app.jobs.runner import run_due

jobs_cli = AppGroup("jobs", help="Background jobs.")


@jobs_cli.command("run")
@click.option("--loop", is_flag=True, help="Keep running due jobs every few seconds.")
@click.option("--every", default=5.0, show_default=True, help="Seconds between rounds with --loop.")
def run(loop: bool, every: float) -> None:
    while True:
        done, failed = run_due()
        if done or failed or not loop:
            click.echo(f"{done} done, {failed} failed")
        if not loop:
            return
        time.sleep(every)


@jobs_cli.command("list")
@click.option("--state", type=click.Choice(JobState.ALL), default=None)
def list_jobs(state: str | None) -> None:
    """The 50 newest jobs; a running one says when its lease ends (and whether it has: stuck)."""
    query = select(Job).order_by(Job.id.desc()).limit(50)
    if state:
        query = query.where(Job.state == state)
    now = utcnow()
    for row in db.session.scalars(query):
        lease = ""
        if row.state == JobState.RUNNING:
            lease = f"lease {'ended' if row.run_after <= now else 'ends'} {row.run_after:%Y-%m-%d %H:%M:%S} "
        click.echo(f"{row.id:>6} {row.kind:<28} {row.state:<9} attempts={row.attempts} {lease}{row.last_error[:60]}")


@jobs_cli.command("retry")
@click.argument("job_id", type=int)
def retry(job_id: int) -> None:
    click.echo("queued again" if retry_now(job_id) else "no such failed job")
