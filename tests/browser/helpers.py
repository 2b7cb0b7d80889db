"""What a person does in the browser, in a few words per step."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from app.extensions import db
from tests.support import factories

LINK = re.compile(r"https?://\S+")


def read_link(mailbox, address: str, subject: str | None = None) -> str:
    """The first http(s) link in the last message to `address` (whose subject contains
    `subject`, if given), waiting a few seconds for mail that a job sends after the commit.
    Raises AssertionError when there is none."""
    deadline = time.monotonic() + 10
    while True:
        messages = [m for m in mailbox.to(address) if subject is None or subject in m["Subject"]]
        if messages or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert messages, (
        f"no mail to {address} about {subject!r}; got {[(m['To'], m['Subject']) for m in mailbox.messages]}"
    )
    body = messages[-1].get_body(preferencelist=("plain",)).get_content()
    found = LINK.search(body)
    assert found, f"no link in the mail to {address}:\n{body}"
    return found.group(0)


def sign_up(page: Page, name: str, email: str, password: str) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()


def sign_in_as(page: Page, live_server, user) -> None:
    """Sign `user` in without the login form, for journeys about something else: the session
    cookie the form would leave, made by the served app (so no password hashing, no rate limit)."""
    # End the test's read transaction first: on SQLite a snapshot older than the server's
    # latest writes cannot become a write transaction ("database is locked").
    db.session.commit()
    client = live_server.app.test_client()
    factories.login(client, user)
    cookie = client.get_cookie(live_server.app.config["SESSION_COOKIE_NAME"])
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def account_menu(page: Page, name: str):
    """The account menu's button, found by its accessible name as a screen reader announces it."""
    return page.locator("details.menu > summary").filter(has_text=re.compile(rf"Account menu for\s+{re.escape(name)}"))


def expect_signed_in(page: Page, name: str) -> None:
    expect(account_menu(page, name)).to_be_visible()


def sign_out(page: Page, name: str) -> None:
    """Through the account menu, as a person would."""
    account_menu(page, name).click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()


def mark_page(page: Page) -> None:
    """Set a marker that lives as long as the document: a page load drops it. Pair with
    expect_same_page() to show that something changed in place (htmx), not by navigating."""
    page.evaluate("window.__samePage = true")


def expect_same_page(page: Page) -> None:
    assert page.evaluate("window.__samePage === true"), "the page was loaded again instead of updated in place"


def focus_top_of_page(page: Page) -> None:
    """Put keyboard focus where a person arriving from the address bar starts: before the
    first element. Blurring alone is not enough, since Chromium then continues from the
    element that had focus (the autofocused field), so briefly focus <body> itself."""
    page.evaluate("""() => {
        document.body.tabIndex = -1;
        document.body.focus();
        document.body.removeAttribute("tabindex");
    }""")
