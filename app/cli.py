"""Command-line tools: `flask users ...`, `flask orgs ...`, `flask seed-demo`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.errors_domain import DomainError

users_cli = AppGroup("users", help="Manage user accounts.")
orgs_cli = AppGroup("orgs", help="Manage organisations.")


def _fail(error: DomainError) -> None:
    raise click.ClickException(error.message)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True, help="At least PASSWORD_MIN_LENGTH characters, not a common one.")
@click.option("--name", default="", help="Display name (defaults to the email's local part).")
@click.option("--admin", is_flag=True, help="Make the user a site administrator.")
def create_user(email: str, password: str, name: str, admin: bool) -> None:
    """Create a verified account."""
    from app.auth.services import create_user as create

    try:
        user = create(email, password, name, site_admin=admin)
    except DomainError as error:
        _fail(error)
    click.echo(f"Created user {user.id} <{user.email}>{' (site administrator)' if admin else ''}.")


@users_cli.command("set-admin")
@click.option("--email", required=True)
@click.option("--revoke", is_flag=True, help="Remove site administrator rights instead.")
def set_admin(email: str, revoke: bool) -> None:
    """Grant (or revoke) site administrator rights."""
    from app.auth.services import find_user_by_email
    from app.extensions import db

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    user.is_site_admin = not revoke
    db.session.commit()
    click.echo(f"{user.email} is {'no longer ' if revoke else ''}a site administrator.")


@orgs_cli.command("create")
@click.option("--name", required=True)
@click.option("--owner", "owner_email", required=True, help="Email of the user who becomes its admin.")
@click.option("--slug", default="")
def create_org(name: str, owner_email: str, slug: str) -> None:
    """Create an organisation with OWNER as its admin."""
    from app.auth.services import find_user_by_email
    from app.orgs.services import create_organisation

    owner = find_user_by_email(owner_email)
    if owner is None:
        raise click.ClickException(f"No account for {owner_email}.")
    try:
        organisation = create_organisation(owner, name, slug)
    except DomainError as error:
        _fail(error)
    click.echo(f"Created organisation {organisation.name} (/orgs/{organisation.slug}).")


@orgs_cli.command("add-member")
@click.option("--org", "slug", required=True, help="The organisation's address (slug).")
@click.option("--email", required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(["admin", "pm", "judge"]),
    help="Repeat for several roles; none makes a plain member.",
)
def add_member(slug: str, email: str, roles: tuple[str, ...]) -> None:
    """Add an existing user to an organisation (or change their roles)."""
    from app.auth.services import find_user_by_email
    from app.orgs.services import add_member as add, get_by_slug

    organisation = get_by_slug(slug)
    if organisation is None:
        raise click.ClickException(f"No organisation at /orgs/{slug}.")
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    add(organisation, user, list(roles))
    click.echo(f"{user.email} is a member of {organisation.name} ({', '.join(roles) or 'member'}).")


@click.command("seed-demo")
def seed_demo() -> None:
    """Fill the database with demo organisations, people and content (safe to run twice)."""
    from app.seed import seed

    for line in seed():
        click.echo(line)


def register(app: Flask) -> None:
    from app.api.cli import tokens_cli
    from voting.cli import ranking_cli, votes_cli

    app.cli.add_command(votes_cli)
    app.cli.add_command(ranking_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(orgs_cli)
    app.cli.add_command(seed_demo)
    from app.jobs.cli import jobs_cli

    app.cli.add_command(jobs_cli)
    from app.reputation.cli import reputation_cli

    app.cli.add_command(reputation_cli)
