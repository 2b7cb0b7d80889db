"""`flask votes verify [--fix]` and `flask ranking refresh`."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from ideas import counters
from ideas.models import Board, Idea

votes_cli = AppGroup("votes", help="Check vote counters against the votes table.")
ranking_cli = AppGroup("ranking", help="Rank keys of the idea lists.")


@votes_cli.command("verify")
@click.option("--fix", is_flag=True, help="Repair every counter that differs.")
def verify(fix: bool) -> None:
    """Recompute every idea's counters from the votes, comments and follows tables and report
    each difference; exits 1 when a difference remains."""
    differences = counters.verify(fix=fix)
    for d in differences:
        click.echo(f"idea {d.idea_id}: {d.field} stored {d.stored}, actual {d.actual}" + (" (fixed)" if fix else ""))
    if fix:
        from voting.services import recount_budgets

        for board in db.session.scalars(select(Board).where(Board.vote_budget.is_not(None))):
            recount_budgets(board)
        db.session.commit()
    ideas = db.session.scalar(select(db.func.count()).select_from(Idea))
    click.echo(
        f"Checked {ideas} ideas: {len(differences)} difference{'s' if len(differences) != 1 else ''}"
        + (", repaired." if fix and differences else ".")
    )
    if differences and not fix:
        raise SystemExit(1)


@ranking_cli.command("refresh")
@click.option("--batch", default=500, show_default=True, help="Ideas per transaction.")
def refresh(batch: int) -> None:
    """Recompute Hot, Trending and Confidence keys (and counters) for every idea. The keys stay
    in order between runs by construction; run this after a formula change or a repair."""
    ids = list(db.session.scalars(select(Idea.id).order_by(Idea.id)))
    for start in range(0, len(ids), batch):
        for idea_id in ids[start : start + batch]:
            counters.recompute_idea(idea_id)
        db.session.commit()
    click.echo(f"Refreshed the rank keys of {len(ids)} ideas.")
