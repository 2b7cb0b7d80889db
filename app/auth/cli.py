"""`flask users create` and `flask users set-admin`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.errors_domain import DomainError

users_cli = AppGroup("users", help="Manage user accounts.")


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
