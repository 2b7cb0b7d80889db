import pytest
from sqlalchemy import select

from app.jobs import wait_idle
from app.orgs.models import Membership, Organisation
from tests.support.factories import add_member, login, make_org, make_user
from tests.support.mail import link_in, path_of


def _invitation_path(mailbox, address: str) -> str:
    """The accept link of the invitation mailed to `address`, once the mail job has run."""
    assert wait_idle(20), "jobs still running"
    return path_of(link_in(mailbox.last_to(address), "/orgs/invitations/"))


def test_creating_an_organisation_makes_the_creator_its_admin(user_client, db):
    response = user_client.post("/orgs/new", data={"name": "Globex Corp", "description": "Widgets."})
    assert response.headers["Location"] == "/orgs/globex-corp/members"
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == "globex-corp"))
    membership = db.session.scalar(select(Membership).where(Membership.organisation_id == organisation.id))
    assert membership.user_id == user_client.user.id and membership.is_admin
    assert "Globex Corp" in user_client.get("/orgs/").get_data(as_text=True)


def test_taken_or_malformed_address_is_refused_and_creates_nothing(user_client, db, org):
    taken = user_client.post("/orgs/new", data={"name": "Another Acme", "slug": "acme"})
    bad = user_client.post("/orgs/new", data={"name": "Bad Slug", "slug": "Bad Slug!"})
    assert taken.status_code == bad.status_code == 422
    assert "Already taken." in taken.get_data(as_text=True)
    assert db.session.query(Organisation).count() == 1


@pytest.mark.parametrize("path", ["/orgs/acme/settings", "/orgs/acme/members"])
def test_outsiders_get_404_for_another_organisations_settings(app, org, path):
    outsider = app.test_client()
    login(outsider, make_org().memberships[0].user)  # an admin, but of another organisation
    assert outsider.get(path).status_code == 404
    assert outsider.post(path, data={"name": "Hijacked", "email": "x@example.com"}).status_code == 404
    assert org.name == "Acme Analytics"


def test_members_without_the_admin_role_get_403(app, org):
    judge = add_member(org, None, "judge")
    client = app.test_client()
    login(client, judge)
    assert client.get("/orgs/acme/settings").status_code == 403
    assert client.post("/orgs/acme/settings", data={"name": "Renamed"}).status_code == 403


def test_admin_updates_settings(org_admin_client, db, org):
    response = org_admin_client.post(
        "/orgs/acme/settings",
        data={"name": "Acme Analytics Ltd", "description": "New text", "website": "https://acme.example.com"},
    )
    assert response.status_code == 303
    db.session.refresh(org)
    assert org.name == "Acme Analytics Ltd" and org.website == "https://acme.example.com"


def test_invitation_flow_adds_the_invitee_with_the_chosen_roles(app, db, org, org_admin_client, mailbox):
    response = org_admin_client.post("/orgs/acme/members", data={"email": "Jo@Example.com", "roles": ["judge"]})
    assert response.status_code == 303
    path = _invitation_path(mailbox, "jo@example.com")
    assert mailbox.last_to("jo@example.com")["Subject"] == "Join Acme Analytics"

    invitee = make_user("jo@example.com", verified=False)
    client = app.test_client()
    assert "Join Acme Analytics" in client.get(path).get_data(as_text=True)
    assert client.post(path).headers["Location"].startswith("/login?next=")  # must sign in first
    login(client, invitee)
    assert client.post(path).headers["Location"] == "/orgs/acme"
    membership = db.session.scalar(select(Membership).where(Membership.user_id == invitee.id))
    assert membership.roles == ["judge"]
    db.session.refresh(invitee)
    assert invitee.email_verified  # the link proved the mailbox
    assert app.test_client().get(path).status_code == 404  # used up


def test_invitation_for_another_address_cannot_be_accepted(app, db, org, org_admin_client, mailbox):
    org_admin_client.post("/orgs/acme/members", data={"email": "jo@example.com", "roles": ["pm"]})
    path = _invitation_path(mailbox, "jo@example.com")
    intruder = make_user("intruder@example.com")
    client = app.test_client()
    login(client, intruder)
    client.post(path)
    assert db.session.scalar(select(Membership).where(Membership.user_id == intruder.id)) is None


def test_inviting_an_existing_member_is_refused(org_admin_client, org, mailbox):
    member = add_member(org, make_user("member@example.com"))
    response = org_admin_client.post("/orgs/acme/members", data={"email": member.email, "roles": []})
    assert response.status_code == 422
    assert "Already a member." in response.get_data(as_text=True)
    assert mailbox.to("member@example.com") == []


def test_unknown_role_is_refused(org_admin_client, mailbox):
    response = org_admin_client.post("/orgs/acme/members", data={"email": "jo@example.com", "roles": ["owner"]})
    assert response.status_code == 422
    assert mailbox.to("jo@example.com") == []


def test_admin_changes_roles_and_removes_members(org_admin_client, db, org):
    member = add_member(org, None, "judge")
    membership = db.session.scalar(select(Membership).where(Membership.user_id == member.id))
    org_admin_client.post(f"/orgs/acme/members/{membership.id}/roles", data={"roles": ["pm", "judge"]})
    db.session.refresh(membership)
    assert membership.roles == ["pm", "judge"]
    membership_id = membership.id
    org_admin_client.post(f"/orgs/acme/members/{membership_id}/remove")
    assert db.session.scalar(select(Membership).where(Membership.id == membership_id)) is None


def test_the_last_admin_cannot_be_demoted_or_removed(org_admin_client, db, org):
    own = db.session.scalar(select(Membership).where(Membership.user_id == org_admin_client.user.id))
    org_admin_client.post(f"/orgs/acme/members/{own.id}/roles", data={"roles": ["pm"]})
    db.session.refresh(own)
    assert own.is_admin
    page = org_admin_client.get("/orgs/acme/members").get_data(as_text=True)
    assert "needs at least one admin" in page


def test_membership_ids_of_another_organisation_are_404(org_admin_client, db):
    other = make_org()
    foreign = db.session.scalar(select(Membership).where(Membership.organisation_id == other.id))
    assert org_admin_client.post(f"/orgs/acme/members/{foreign.id}/remove").status_code == 404
    assert db.session.get(Membership, foreign.id) is not None


def test_withdrawn_invitation_stops_working(app, org_admin_client, mailbox, db):
    from app.orgs.models import Invitation

    org_admin_client.post("/orgs/acme/members", data={"email": "jo@example.com", "roles": []})
    path = _invitation_path(mailbox, "jo@example.com")
    invitation = db.session.scalar(select(Invitation))
    org_admin_client.post(f"/orgs/acme/invitations/{invitation.id}/revoke")
    assert app.test_client().get(path).status_code == 404


def test_site_admin_may_manage_any_organisation(site_admin_client, org):
    assert site_admin_client.get("/orgs/acme/settings").status_code == 200
