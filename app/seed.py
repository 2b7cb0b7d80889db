"""Demo data for `flask seed-demo`: believable organisations and people. Running it twice
adds nothing twice: every record is looked up by its natural key first."""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import select

from app.auth.models import User
from app.auth.services import create_user
from app.extensions import db
from app.orgs.models import Organisation
from app.orgs.services import add_member, create_organisation

DEMO_PASSWORD = "demo-ideas-2026"

PEOPLE = [
    # email, name, site admin, bio
    ("admin@ideaforge.example.com", "Ada Admin", True, "Runs this Ideaforge site."),
    ("priya@acme.example.com", "Priya Patel", False, "Head of product at Acme Analytics."),
    ("jonas@acme.example.com", "Jonas Berg", False, "Staff engineer; judges Acme's challenges."),
    ("mei@northwind.example.com", "Mei Tanaka", False, "Product manager at Northwind Logistics."),
    ("carlos@retail.example.com", "Carlos Romero", False, "Data lead at a retail chain; heavy Acme user."),
    ("sam@solvers.example.com", "Sam Okafor", False, "Independent ML engineer who enjoys a hard problem."),
    ("lena@solvers.example.com", "Lena Fischer", False, "Operations researcher; route optimisation nerd."),
]

ORGANISATIONS = [
    # slug, name, owner, description, members with roles
    ("acme", "Acme Analytics", "priya@acme.example.com",
     "Self-service analytics for retail teams. Tell us what to build next.",
     [("jonas@acme.example.com", ["judge"])]),
    ("northwind", "Northwind Logistics", "mei@northwind.example.com",
     "Fleet routing and warehouse software used by 2,000 depots.",
     [("jonas@acme.example.com", ["judge"])]),
]


def _user(email: str, name: str, admin: bool, bio: str) -> tuple[User, bool]:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        return user, False
    user = create_user(email, DEMO_PASSWORD, name, site_admin=admin, check_password=False)
    user.bio = bio
    db.session.commit()
    return user, True


def seed() -> Iterator[str]:
    users = {}
    created = 0
    for email, name, admin, bio in PEOPLE:
        users[email], new = _user(email, name, admin, bio)
        created += new
    for slug, name, owner, description, members in ORGANISATIONS:
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        if organisation is None:
            organisation = create_organisation(users[owner], name, slug, description)
            created += 1
        for email, roles in members:
            add_member(organisation, users[email], roles)
    yield f"Demo data ready ({created} new records)."
    yield ""
    yield f"Demo accounts (password for all: {DEMO_PASSWORD}):"
    for email, name, admin, bio in PEOPLE:
        yield f"  {email:<30} {name}{' - site administrator' if admin else ''}"
