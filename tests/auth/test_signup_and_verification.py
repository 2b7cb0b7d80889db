from sqlalchemy import select

from app.auth.models import User
from tests.support.factories import PASSWORD, make_user
from tests.support.mail import link_in, path_of

STRONG = "maple-syrup-orbit-42"


def _signup(client, email="new@example.com", password=STRONG, name="Nia New"):
    return client.post("/signup", data={"display_name": name, "email": email, "password": password})


def test_signup_creates_an_unverified_account_and_mails_a_link(client, db, mailbox):
    response = _signup(client)
    assert response.headers["Location"] == "/signup/check-inbox"
    assert "Check your inbox" in client.get("/signup/check-inbox").get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "new@example.com"))
    assert user is not None and not user.email_verified
    assert user.password_hash.startswith("$argon2id$")
    assert link_in(mailbox.last_to("new@example.com"), "/verify-email/")


def test_verification_link_shows_a_button_and_only_the_post_verifies(client, db, mailbox):
    _signup(client)
    path = path_of(link_in(mailbox.last_to("new@example.com"), "/verify-email/"))
    assert "Confirm my email address" in client.get(path).get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "new@example.com"))
    db.session.refresh(user)
    assert not user.email_verified  # a link scanner's GET changes nothing

    assert client.post(path).status_code == 303
    db.session.refresh(user)
    assert user.email_verified
    # Confirming finished sign-up: the new member is signed in, with no reminder banner.
    assert client.get("/settings/profile").status_code == 200
    assert "Please confirm your email address" not in client.get("/").get_data(as_text=True)


def test_a_verification_link_used_again_confirms_but_does_not_sign_in(app, client, mailbox):
    _signup(client)
    path = path_of(link_in(mailbox.last_to("new@example.com"), "/verify-email/"))
    client.post(path)
    other_browser = app.test_client()
    other_browser.post(path)
    assert other_browser.get("/settings/profile").status_code == 303


def test_tampered_verification_link_is_refused(client, mailbox):
    _signup(client)
    path = path_of(link_in(mailbox.last_to("new@example.com"), "/verify-email/"))
    response = client.get(path[:-3] + "abc")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def _flashes(client):
    with client.session_transaction() as session:
        return [message for _, message in session.get("_flashes", [])]


def test_signup_with_a_registered_address_answers_the_same_and_mails_the_owner(app, db, mailbox):
    make_user("taken@example.com", name="Original Owner")
    existing, fresh = app.test_client(), app.test_client()
    first = _signup(existing, email="Taken@Example.com")
    second = _signup(fresh, email="fresh@example.com")

    assert first.headers["Location"] == second.headers["Location"]
    assert _flashes(existing) == _flashes(fresh)  # the page says the same thing either way
    owner = db.session.scalar(select(User).where(User.email == "taken@example.com"))
    assert owner.display_name == "Original Owner"  # nothing about the account changed
    assert mailbox.last_to("taken@example.com")["Subject"] == "You already have an account"


def test_weak_and_common_passwords_are_refused_with_a_reason(client, db):
    for password, reason in [
        ("short", "at least 10 characters"),
        ("password123", "too common"),
        ("aaaaaaaaaaaa", "repeats too few characters"),
    ]:
        response = _signup(client, password=password)
        assert response.status_code == 422
        assert reason in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "new@example.com")) is None


def test_invalid_email_is_refused_and_nothing_is_created(client, db):
    response = _signup(client, email="not-an-address")
    assert response.status_code == 422
    assert db.session.scalars(select(User)).all() == []


def test_password_containing_the_email_is_refused(client):
    response = _signup(client, email="carmen.lopez@example.com", password="carmen.lopez-2026!")
    assert response.status_code == 422
    assert "must not contain your email" in response.get_data(as_text=True)


def test_confirming_leads_back_to_the_page_sign_up_started_from(client, mailbox):
    client.post(
        "/signup?next=/orgs/invitations/abc", data={"display_name": "Jo", "email": "jo@example.com", "password": STRONG}
    )
    link = link_in(mailbox.last_to("jo@example.com"), "/verify-email/")
    assert "next=/orgs/invitations/abc" in link.replace("%2F", "/")
    assert client.post(path_of(link)).headers["Location"] == "/orgs/invitations/abc"


def test_a_foreign_next_is_ignored_when_confirming(client, mailbox):
    client.post(
        "/signup?next=https://evil.example/", data={"display_name": "Jo", "email": "jo@example.com", "password": STRONG}
    )
    link = link_in(mailbox.last_to("jo@example.com"), "/verify-email/")
    assert client.post(path_of(link)).headers["Location"] == "/"


def test_sign_up_takes_as_long_for_a_taken_address_as_for_a_new_one(app, db):
    """The password is hashed either way, so the answer's time does not tell which addresses
    have accounts (before, a taken address answered some 50 times sooner)."""
    import statistics
    import time

    make_user("taken@example.com")
    client = app.test_client()
    addresses = iter(range(1, 250))  # one client address each, under the sign-up rate limit

    def signup_seconds(email: str) -> float:
        started = time.perf_counter()
        response = client.post(
            "/signup",
            data={"display_name": "Robin", "email": email, "password": PASSWORD},
            environ_base={"REMOTE_ADDR": f"10.0.0.{next(addresses)}"},
        )
        assert response.status_code == 303
        return time.perf_counter() - started

    signup_seconds("warm-up@example.com")
    taken, new = [], []
    for n in range(5):  # interleaved, so the machine's load falls on both alike
        taken.append(signup_seconds("taken@example.com"))
        new.append(signup_seconds(f"new{n}@example.com"))
    assert statistics.median(taken) > statistics.median(new) / 3, (taken, new)
