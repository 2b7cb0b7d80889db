"""Accounts in a real browser: sign up and confirm the address, reset a forgotten password."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import expect_signed_in, read_link, sign_in, sign_out, sign_up
from tests.support import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "lantern-orchard-42"
BANNER = "Please confirm your email address"


def test_sign_up_confirm_email_sign_out_and_back_in(page, mailbox):
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    sign_up(page, "Robin Reader", "robin@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    # Signing in before confirming works, and the site keeps asking for the confirmation.
    sign_in(page, "robin@example.com", PASSWORD)
    expect_signed_in(page, "Robin Reader")
    expect(page.get_by_text(BANNER)).to_be_visible()

    page.goto(read_link(mailbox, "robin@example.com", subject="Confirm your email"))
    expect(page.get_by_text("Confirm that robin@example.com is your address.")).to_be_visible()
    page.get_by_role("button", name="Confirm my email address").click()

    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    expect_signed_in(page, "Robin Reader")
    expect(page.get_by_text(BANNER)).to_have_count(0)

    sign_out(page, "Robin Reader")
    sign_in(page, "robin@example.com", PASSWORD)
    expect(page.get_by_text("Welcome back, Robin Reader.")).to_be_visible()
    expect(page.get_by_text(BANNER)).to_have_count(0)


def test_forgotten_password_is_reset_once_by_mail(page, mailbox):
    factories.make_user("sam@example.com", "Sam Solver")  # with factories.PASSWORD

    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("If an account exists for that address")).to_be_visible()

    link = read_link(mailbox, "sam@example.com", subject="Reset your password")
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the new password").fill(PASSWORD)
    page.get_by_role("button", name="Save the new password").click()

    expect(page.get_by_text("Your password has been changed")).to_be_visible()
    expect_signed_in(page, "Sam Solver")
    sign_out(page, "Sam Solver")

    sign_in(page, "sam@example.com", factories.PASSWORD)
    expect(page.get_by_text("That email and password do not match an account.")).to_be_visible()
    sign_in(page, "sam@example.com", PASSWORD)
    expect_signed_in(page, "Sam Solver")

    page.goto(link)
    expect(page.get_by_role("heading", name="This link cannot be used")).to_be_visible()
    expect(page.get_by_label("New password", exact=True)).to_have_count(0)
