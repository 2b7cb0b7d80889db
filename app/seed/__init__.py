"""Demo data for `flask seed-demo`: believable organisations and people; their boards come
from app/seed/ideas.py and app/seed/challenges.py. Running it twice adds nothing twice: every record is looked up by its
natural key first."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import click
from flask import Flask, current_app
from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.services import create_user
from app.clock import utcnow
from app.extensions import db
from app.orgs.models import Membership, Organisation
from app.orgs.services import add_member, create_organisation

DEMO_PASSWORD = "demo-ideas-2026"

PEOPLE = [
    # email, name, site admin, bio, what the login list says of someone without a role in an organisation
    ("admin@ideaforge.example.com", "Ada Admin", True, "Runs this Ideaforge site.", ""),
    ("priya@acme.example.com", "Priya Patel", False, "Head of product at Acme Analytics.", ""),
    ("jonas@acme.example.com", "Jonas Berg", False, "Staff engineer; judges Acme's challenges.", ""),
    ("mei@northwind.example.com", "Mei Tanaka", False, "Product manager at Northwind Logistics.", ""),
    (
        "carlos@retail.example.com",
        "Carlos Romero",
        False,
        "Data lead at a retail chain; heavy Acme user.",
        "customer of Acme, invited to its private Enterprise board",
    ),
    (
        "sam@solvers.example.com",
        "Sam Okafor",
        False,
        "Independent ML engineer who enjoys a hard problem.",
        "solver: enters challenges and wins awards",
    ),
    (
        "lena@solvers.example.com",
        "Lena Fischer",
        False,
        "Operations researcher; route optimisation nerd.",
        "solver: enters challenges and wins awards",
    ),
]

CUSTOMERS = [
    # email, name, site admin, bio: the people who post and vote on the demo boards
    ("hannah.weber@brightmart.example.com", "Hannah Weber", False, "BI analyst at BrightMart."),
    ("tom.oneill@brightmart.example.com", "Tom O'Neill", False, "Finance controller at BrightMart."),
    ("aisha.khan@freshco.example.com", "Aisha Khan", False, "Data engineer at FreshCo."),
    ("diego.alvarez@freshco.example.com", "Diego Alvarez", False, "Category manager at FreshCo."),
    ("yuki.sato@urbanthreads.example.com", "Yuki Sato", False, "Merchandising analyst at Urban Threads."),
    ("olivia.brown@urbanthreads.example.com", "Olivia Brown", False, "Store operations lead at Urban Threads."),
    ("marcus.lee@homegoods.example.com", "Marcus Lee", False, "Area manager, HomeGoods North."),
    ("sofia.rossi@homegoods.example.com", "Sofia Rossi", False, "Ecommerce manager at HomeGoods."),
    ("ben.carter@pixelpharmacy.example.com", "Ben Carter", False, "Analytics lead at Pixel Pharmacy."),
    ("fatima.haddad@pixelpharmacy.example.com", "Fatima Haddad", False, "Platform engineer at Pixel Pharmacy."),
    ("nina.kowalski@greengrocer.example.com", "Nina Kowalski", False, "Head of online at GreenGrocer."),
    ("raj.mehta@greengrocer.example.com", "Raj Mehta", False, "Commercial analyst at GreenGrocer."),
    ("emma.larsen@nordicsport.example.com", "Emma Larsen", False, "Reporting specialist at Nordic Sport."),
    ("kofi.mensah@swiftfreight.example.com", "Kofi Mensah", False, "Dispatcher at Swift Freight."),
    ("anna.novak@swiftfreight.example.com", "Anna Novak", False, "Transport planner at Swift Freight."),
    ("liam.murphy@coastalhaul.example.com", "Liam Murphy", False, "Fleet manager at Coastal Haul."),
    ("grace.chen@coastalhaul.example.com", "Grace Chen", False, "Operations director at Coastal Haul."),
    ("pedro.silva@lastmile.example.com", "Pedro Silva", False, "Driver team lead at LastMile."),
    ("ingrid.holm@lastmile.example.com", "Ingrid Holm", False, "Depot manager at LastMile."),
    ("omar.farouk@cargolink.example.com", "Omar Farouk", False, "Compliance officer at CargoLink."),
    ("zoe.martin@cargolink.example.com", "Zoe Martin", False, "Customer service lead at CargoLink."),
    ("daniel.kim@metrocourier.example.com", "Daniel Kim", False, "IT manager at Metro Courier."),
    ("rachel.adams@wholesale.example.com", "Rachel Adams", False, "Integration engineer at Allied Wholesale."),
    ("victor.petrov@wholesale.example.com", "Victor Petrov", False, "Supply chain analyst at Allied Wholesale."),
    ("kevin.blake@quickgrowth.example.com", "Kevin Blake", False, "Consultant."),
]

ORGANISATIONS = [
    # slug, name, owner, description, members with roles
    (
        "acme",
        "Acme Analytics",
        "priya@acme.example.com",
        "Self-service analytics for retail teams. Tell us what to build next.",
        [("jonas@acme.example.com", ["judge"])],
    ),
    (
        "northwind",
        "Northwind Logistics",
        "mei@northwind.example.com",
        "Fleet routing and warehouse software used by 2,000 depots.",
        [("jonas@acme.example.com", ["judge"])],
    ),
]


def _user(email: str, name: str, admin: bool, bio: str) -> tuple[User, bool]:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        return user, False
    user = create_user(email, DEMO_PASSWORD, name, site_admin=admin, check_password=False)
    user.bio = bio
    db.session.commit()
    return user, True


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    return hash_password(DEMO_PASSWORD)


def _customer(email: str, name: str, bio: str) -> tuple[User, bool]:
    """Customer accounts share one Argon2 hash of the demo password: hashing it 25 times
    over would take most of the seed's running time."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        return user, False
    user = User(
        email=email, password_hash=_demo_password_hash(), display_name=name, bio=bio, email_verified_at=utcnow()
    )
    db.session.add(user)
    db.session.commit()
    return user, True


def seed() -> Iterator[str]:
    # Months of demo activity would otherwise mail every demo member (and run a mail job per
    # notification beside the seed's own writes); the notifications themselves are still made.
    current_app.config["NOTIFICATION_MAIL"] = False
    users = {}
    created = 0
    for email, name, admin, bio, _role in PEOPLE:
        users[email], new = _user(email, name, admin, bio)
        created += new
    for email, name, _admin, bio in CUSTOMERS:
        users[email], new = _customer(email, name, bio)
        created += new
    for slug, name, owner, description, members in ORGANISATIONS:
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        if organisation is None:
            organisation = create_organisation(users[owner], name, slug, description)
            created += 1
        for email, roles in members:
            add_member(organisation, users[email], roles)
    from app.seed.demand import seed_segments

    created += seed_segments()
    from app.seed.ideas import seed_boards

    created += seed_boards(users)
    from app.seed.challenges import seed_challenges

    created += seed_challenges(users)
    from app.community.rebuild import rebuild as rebuild_reputation

    rebuild_reputation()
    yield f"Demo data ready ({created} new records)."
    yield ""
    yield f"Demo accounts (password for all: {DEMO_PASSWORD}):"
    for email, _name, _admin, _bio, role in PEOPLE:
        yield f"  {email} / {DEMO_PASSWORD} — {'; '.join(roles_of(users[email])) or role}"
    yield f"  plus {len(CUSTOMERS)} customer accounts (see app/seed/__init__.py)"


ROLE_NAMES = (("is_admin", "admin"), ("is_pm", "product manager"), ("is_judge", "judge"))


def roles_of(user: User) -> list[str]:
    """What the account is, read from the database: "site administrator", and per organisation
    its roles ("admin and product manager, Acme Analytics")."""
    roles = ["site administrator"] if user.is_site_admin else []
    for membership in db.session.scalars(
        select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
    ):
        held = [label for flag, label in ROLE_NAMES if getattr(membership, flag)]
        roles.append(f"{' and '.join(held) or 'member'}, {membership.organisation.name}")
    return roles


@click.command("seed-demo")
def seed_demo() -> None:
    """Fill the database with demo organisations, people and content (safe to run twice)."""
    for line in seed():
        click.echo(line)


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
