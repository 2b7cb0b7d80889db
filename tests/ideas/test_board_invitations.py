"""A customer invited to a private board hears of it by mail (sent after the commit, through the
jobs outbox) with a link that leads to the board: through sign-in, or through sign-up when the
address has no account yet."""

from __future__ import annotations

from app.jobs import wait_idle
from app.jobs.models import Job
from tests.support.factories import PASSWORD, login, make_board, make_org, seasoned_user
from tests.support.mail import link_in, path_of

BOARD = "/boards/acme/secret"


def _pm_client(app, org):
    client = app.test_client()
    login(client, org.memberships[0].user)
    return client


def _private_board():
    org = make_org(slug="acme", name="Acme Analytics")
    return org, make_board(org, name="Secret Roadmap", slug="secret", private=True)


def test_a_new_address_is_mailed_a_sign_up_link_that_ends_on_the_board(app, db, client, mailbox):
    org, _board = _private_board()
    response = _pm_client(app, org).post("/boards/acme/secret/customers", data={"email": "Nina@Globex.example.com"})
    assert response.status_code == 303
    wait_idle()
    invitation = mailbox.last_to("nina@globex.example.com")
    assert invitation["Subject"] == "You are invited to the Secret Roadmap board of Acme Analytics"
    assert "Secret Roadmap" in invitation.get_content() and "Create your account" in invitation.get_content()
    assert db.session.query(Job).filter_by(kind="boards.invitation_mail").one().state == "done"

    # The link is sign-up, which leads on to the board once the new address is confirmed.
    signup = path_of(link_in(invitation, "/signup"))
    assert client.get(signup).status_code == 200
    posted = client.post(
        signup, data={"display_name": "Nina", "email": "nina@globex.example.com", "password": "a long passphrase 42"}
    )
    assert posted.status_code == 303
    verify = path_of(link_in(mailbox.last_to("nina@globex.example.com"), "/verify-email/"))
    confirmed = client.post(verify)
    assert confirmed.status_code == 303 and confirmed.headers["Location"] == BOARD
    assert "Secret Roadmap" in client.get(BOARD).get_data(as_text=True)


def test_an_existing_account_is_mailed_a_sign_in_link_to_the_board(app, db, client, mailbox):
    org, _board = _private_board()
    customer = seasoned_user(email="cora@example.com", name="Cora Customer")
    _pm_client(app, org).post("/boards/acme/secret/customers", data={"email": "cora@example.com"})
    wait_idle()
    invitation = mailbox.last_to("cora@example.com")
    assert "Sign in to open the board" in invitation.get_content()
    login_path = path_of(link_in(invitation, "/login"))
    signed_in = client.post(login_path, data={"email": customer.email, "password": PASSWORD})
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == BOARD


def test_inviting_an_address_again_sends_no_second_mail(app, db, mailbox):
    org, _board = _private_board()
    pm = _pm_client(app, org)
    pm.post("/boards/acme/secret/customers", data={"email": "cora@example.com"})
    again = pm.post("/boards/acme/secret/customers", data={"email": "cora@example.com"}, follow_redirects=True)
    assert "was invited already" in again.get_data(as_text=True)
    wait_idle()
    assert len(mailbox.to("cora@example.com")) == 1
