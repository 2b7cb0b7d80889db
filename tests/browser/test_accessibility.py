"""Keyboard and screen-reader basics on the pages every visitor meets first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import focus_top_of_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CONTROLS = "input:not([type=hidden]), select, textarea"


def labels_of_controls(page) -> list[str]:
    """Each form control's label text, checked to find that very control by its label."""
    found = []
    controls = page.locator(CONTROLS)
    for index in range(controls.count()):
        control = controls.nth(index)
        text = control.evaluate("el => el.labels.length ? el.labels[0].innerText.trim() : ''")
        name = control.get_attribute("name")
        assert text, f"the control named {name!r} on {page.url} has no label"
        expect(page.get_by_label(text, exact=True)).to_have_attribute("name", name)
        found.append(text)
    return found


@pytest.mark.parametrize(
    "path, labels",
    [
        ("/login", ["Email", "Password", "Keep me signed in on this device"]),
        ("/signup", ["Your name", "Email", "Password"]),
    ],
)
def test_form_pages_are_labelled_and_start_with_a_skip_link(page, path, labels):
    page.goto(path)
    assert labels_of_controls(page) == labels
    # One field is focused on arrival, and no field claims to be invalid before any input.
    expect(page.locator("[autofocus]")).to_have_count(1)
    expect(page.get_by_label(labels[0], exact=True)).to_be_focused()
    expect(page.locator("[aria-invalid]")).to_have_count(0)

    focus_top_of_page(page)
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_signup_errors_are_announced_with_their_fields(page):
    page.goto("/signup")
    page.get_by_role("button", name="Create account").click()
    name = page.get_by_label("Your name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description("Enter your name.")
    expect(page.get_by_label("Email")).to_have_accessible_description("Enter your email address.")


@pytest.mark.parametrize("width", [375, 1366])
def test_menus_open_by_keyboard_and_close_with_escape(page, live_server, width):
    from tests.browser.helpers import account_menu, sign_in_as
    from tests.support.factories import make_user

    page.set_viewport_size({"width": width, "height": 800})
    sign_in_as(page, live_server, make_user(name="Casey Customer"))
    page.goto("/")
    menus = [account_menu(page, "Casey Customer")]
    if width == 375:  # the main links fold into a Menu button on a phone
        menus.append(page.locator("summary.nav-toggle"))
        expect(page.get_by_role("link", name="My ideas")).to_be_hidden()
    for menu in menus:
        menu.focus()
        page.keyboard.press("Enter")
        item = page.locator("details[data-menu][open]").get_by_role("link").first
        expect(item).to_be_visible()
        page.keyboard.press("Tab")
        page.keyboard.press("Escape")
        expect(page.locator("details[data-menu][open]")).to_have_count(0)
        expect(menu).to_be_focused()
    menus[-1].click()
    page.mouse.click(5, 790)  # a tap elsewhere (the page's bottom left corner) closes it too
    expect(page.locator("details[data-menu][open]")).to_have_count(0)
