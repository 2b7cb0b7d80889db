"""`flask orgs create` and `flask orgs add-member`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.errors_domain import DomainError

orgs_cli = AppGroup("orgs", help="Manage organisations.")


def _fail(error: DomainError) -> None:
    raise click.ClickException(error.message)


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
    from app.orgs.services import add_member as add
    from app.orgs.services import get_by_slug

    organisation = get_by_slug(slug)
    if organisation is None:
        raise click.ClickException(f"No organisation at /orgs/{slug}.")
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    add(organisation, user, list(roles))
    click.echo(f"{user.email} is a member of {organisation.name} ({', '.join(roles) or 'member'}).")
