from sqlalchemy import select

from app.auth.models import User
from app.orgs.models import Membership, Organisation
from app.seed import DEMO_PASSWORD


def test_users_create_makes_a_verified_account_and_admin_flag(runner, db):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Root@Example.com",
            "--password",
            "a-long-admin-pass-9",
            "--name",
            "Root",
            "--admin",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "root@example.com"))
    assert user.is_site_admin and user.email_verified


def test_users_create_refuses_a_duplicate_and_weak_password(runner, db):
    runner.invoke(args=["users", "create", "--email", "a@example.com", "--password", "a-long-admin-pass-9"])
    again = runner.invoke(args=["users", "create", "--email", "a@example.com", "--password", "a-long-admin-pass-9"])
    weak = runner.invoke(args=["users", "create", "--email", "b@example.com", "--password", "password"])
    assert again.exit_code != 0 and "already has an account" in again.output
    assert weak.exit_code != 0 and "at least" in weak.output


def test_orgs_create_and_add_member(runner, db):
    runner.invoke(args=["users", "create", "--email", "owner@example.com", "--password", "violet-harbour-31"])
    runner.invoke(args=["users", "create", "--email", "judge@example.com", "--password", "copper-meadow-58"])
    created = runner.invoke(args=["orgs", "create", "--name", "Umbrella", "--owner", "owner@example.com"])
    assert created.exit_code == 0, created.output
    added = runner.invoke(
        args=["orgs", "add-member", "--org", "umbrella", "--email", "judge@example.com", "--role", "judge"]
    )
    assert added.exit_code == 0, added.output
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == "umbrella"))
    roles = {
        m.user.email: m.roles
        for m in db.session.scalars(select(Membership).where(Membership.organisation_id == organisation.id))
    }
    assert roles == {"owner@example.com": ["admin", "pm"], "judge@example.com": ["judge"]}


def test_seed_demo_is_idempotent_and_prints_the_logins(runner, db, client):
    first = runner.invoke(args=["seed-demo"])
    counts = (db.session.query(User).count(), db.session.query(Organisation).count())
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == second.exit_code == 0
    assert (db.session.query(User).count(), db.session.query(Organisation).count()) == counts
    assert "admin@ideaforge.example.com" in second.output and DEMO_PASSWORD in second.output
    # The login list stays short: the named accounts, then a count of the customers.
    assert "customer accounts" in second.output and "hannah.weber@" not in second.output
    response = client.post("/login", data={"email": "admin@ideaforge.example.com", "password": DEMO_PASSWORD})
    assert response.status_code == 303
