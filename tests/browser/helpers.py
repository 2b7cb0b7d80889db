"""What a person does in the browser, in a few words per step."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

LINK = re.compile(r"https?://\S+")


def read_link(mailbox, address: str, subject: str | None = None) -> str:
    """The first http(s) link in the last message to `address` (whose subject contains
    `subject`, if given). Raises AssertionError when there is none."""
    messages = [m for m in mailbox.to(address) if subject is None or subject in m["Subject"]]
    assert messages, f"no mail to {address} about {subject!r}; got {[(m['To'], m['Subject']) for m in mailbox.messages]}"
    body = messages[-1].get_body(preferencelist=("plain",)).get_content()
    found = LINK.search(body)
    assert found, f"no link in the mail to {address}:\n{body}"
    return found.group(0)


def sign_up(page: Page, name: str, email: str, password: str) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def account_menu(page: Page, name: str):
    return page.get_by_label(f"Account menu for {name}")


def expect_signed_in(page: Page, name: str) -> None:
    expect(account_menu(page, name)).to_be_visible()


def sign_out(page: Page, name: str) -> None:
    """Through the account menu, as a person would."""
    account_menu(page, name).click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()


def focus_top_of_page(page: Page) -> None:
    """Put keyboard focus where a person arriving from the address bar starts: before the
    first element. Blurring alone is not enough, since Chromium then continues from the
    element that had focus (the autofocused field), so briefly focus <body> itself."""
    page.evaluate("""() => {
        document.body.tabIndex = -1;
        document.body.focus();
        document.body.removeAttribute("tabindex");
    }""")
