"""An organisation's admin invites a judge, who joins through the mailed link."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import account_menu, expect_signed_in, read_link, sign_in, sign_up
from tests.support import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_admin_invites_a_judge_who_signs_up_and_joins(new_page, mailbox):
    factories.make_user("ada@example.com", "Ada Admin")
    admin = new_page()
    sign_in(admin, "ada@example.com", factories.PASSWORD)
    account_menu(admin, "Ada Admin").click()
    admin.get_by_role("link", name="New organisation").click()
    admin.get_by_label("Name", exact=True).fill("Acme Analytics")
    admin.get_by_label("About").fill("Dashboards for people who hate dashboards.")
    admin.get_by_role("button", name="Create organisation").click()
    expect(admin.get_by_text("Acme Analytics is ready. Invite your team next.")).to_be_visible()

    admin.get_by_label("Email").fill("jo@example.com")
    admin.get_by_role("group", name="Roles", exact=True).get_by_label("Judge").check()
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_text("Invitation sent to jo@example.com.")).to_be_visible()
    link = read_link(mailbox, "jo@example.com", subject="Join Acme Analytics")

    # The invitee has no account yet and uses a browser of their own.
    invitee = new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", name="Join Acme Analytics")).to_be_visible()
    expect(invitee.get_by_text("Ada Admin invited jo@example.com as Judge")).to_be_visible()
    invitee.get_by_role("link", name="create an account").click()
    sign_up(invitee, "Jo Judge", "jo@example.com", "quiet-meadow-lamp-7")
    expect(invitee.get_by_role("heading", name="Check your inbox")).to_be_visible()

    # Back to the invitation mail: accepting asks them to sign in, then brings them back.
    invitee.goto(link)
    invitee.get_by_role("button", name="Accept invitation").click()
    invitee.get_by_label("Email").fill("jo@example.com")
    invitee.get_by_label("Password", exact=True).fill("quiet-meadow-lamp-7")
    invitee.get_by_role("button", name="Sign in").click()
    expect(invitee.get_by_role("heading", name="Join Acme Analytics")).to_be_visible()
    invitee.get_by_role("button", name="Accept invitation").click()

    expect(invitee.get_by_text("Welcome to Acme Analytics.")).to_be_visible()
    expect(invitee.get_by_role("heading", name="Acme Analytics", level=1)).to_be_visible()
    expect(invitee.locator(".org-head").get_by_text("Judge", exact=True)).to_be_visible()
    expect_signed_in(invitee, "Jo Judge")

    admin.reload()
    row = admin.get_by_role("row").filter(has_text="jo@example.com")
    expect(row.get_by_role("link", name="Jo Judge")).to_be_visible()
    expect(row.get_by_label("Judge")).to_be_checked()
    expect(row.get_by_label("Admin")).not_to_be_checked()
    expect(admin.get_by_role("heading", name="Pending invitations")).to_have_count(0)
