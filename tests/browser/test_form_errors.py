"""A form sent with several mistakes shows every one of them at once, each next to its field, and
the keyboard lands on the first field in error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in_as
from tests.support import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _errors(page) -> list[str]:
    return [text.strip() for text in page.locator("p.error").all_inner_texts()]


def test_sign_up_shows_all_its_errors_at_once_and_focuses_the_first(page):
    page.goto("/signup")
    expect(page.get_by_label("Your name")).to_be_focused()  # a fresh form starts at its first field
    page.get_by_role("button", name="Create account").click()
    assert _errors(page) == ["Enter your name.", "Enter your email address.", "Choose a password."]
    expect(page.get_by_label("Your name")).to_be_focused()
    expect(page.get_by_label("Your name")).to_have_attribute("aria-invalid", "true")

    # A good name, an impossible address and a short password: both faults show together, and
    # the keyboard is on the address, the first of them, not on the name the page starts with.
    page.get_by_label("Your name").fill("Nora New")
    page.get_by_label("Email").fill("nora-at-example")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    errors = _errors(page)
    assert len(errors) == 2 and "@" in errors[0] and "Use at least 10 characters." in errors[1]
    expect(page.get_by_label("Email")).to_be_focused()
    expect(page.get_by_label("Your name")).not_to_have_attribute("autofocus", "")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")


def test_a_new_idea_with_several_mistakes_shows_them_all_and_focuses_the_first(page, live_server):
    pm = factories.make_user("pam@example.com", "Pam Product")
    factories.make_board(factories.make_org(pm, name="Acme Analytics", slug="acme"), name="Dashboards", slug="dash")
    sign_in_as(page, live_server, factories.seasoned_user(email="cora@example.com", name="Cora Customer"))

    page.goto("/boards/acme/dash/new")
    expect(page.get_by_label("Title")).to_be_focused()
    # A title too short (the service's rule) and too many tags (another): both at once.
    page.get_by_label("Title").fill("PDF")
    page.get_by_label("Tags").fill("a, b, c, d, e, f, g")
    page.get_by_role("button", name="Post idea").click()
    assert _errors(page) == ["The title needs 8 to 160 characters.", "Use at most 5 tags."]
    expect(page.get_by_label("Title")).to_be_focused()

    # With the title right, the keyboard goes to the tags, still in error.
    page.get_by_label("Title").fill("Email me a PDF of my dashboard")
    page.get_by_role("button", name="Post idea").click()
    assert _errors(page) == ["Use at most 5 tags."]
    expect(page.get_by_label("Tags")).to_be_focused()
