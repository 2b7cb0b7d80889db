"""`flask tokens ...`: personal access tokens from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.errors_domain import DomainError

tokens_cli = AppGroup("tokens", help="Manage personal access tokens for the API.")


def _user(email: str):
    from app.auth.services import find_user_by_email

    user = find_user_by_email(email)
    if user is None or not user.active:
        raise click.ClickException(f"No active account for {email}.")
    return user


@tokens_cli.command("create")
@click.option("--email", required=True, help="The account the token acts for.")
@click.option("--name", default="", help="What the token is for.")
def create(email: str, name: str) -> None:
    """Create a token and print it: it is shown this once and stored only as a digest."""
    from app.api import services

    try:
        _token, secret = services.create_token(_user(email), name)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(secret)


@tokens_cli.command("list")
@click.option("--email", required=True)
def list_tokens(email: str) -> None:
    """List an account's active tokens (id, prefix, name, last use)."""
    from app.api import services

    for token in services.active_tokens(_user(email)):
        used = token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "never used"
        click.echo(f"{token.id}\t{token.prefix}…\t{token.name}\t{used}")


@tokens_cli.command("revoke")
@click.option("--email", required=True)
@click.option("--id", "token_id", required=True, type=int, help="The id shown by `flask tokens list`.")
def revoke(email: str, token_id: int) -> None:
    """Revoke one of an account's tokens."""
    from app.api import services

    try:
        token = services.revoke_token(_user(email), token_id)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Revoked {token.prefix}… ({token.name}).")
