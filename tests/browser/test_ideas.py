"""A customer suggests an idea; a product manager plans it and merges a duplicate into it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import expect_same_page, expect_signed_in, mark_page, sign_in, sign_in_as
from tests.support import factories
from voting.services import cast_vote

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NEW_TITLE = "Email me a PDF of my dashboard every Monday"
DUPLICATE = "Send dashboards as PDF by email"


def bell(page):
    return page.locator("#bell .bell-count")


def test_customer_suggests_an_idea_and_a_pm_plans_it_and_merges_a_duplicate(new_page, live_server):
    pm_user = factories.make_user("pam@example.com", "Pam Product")
    board = factories.make_board(
        factories.make_org(pm_user, name="Acme Analytics", slug="acme"), name="Dashboards", slug="dash"
    )
    factories.make_idea(board, title="Export dashboards to PDF")
    factories.make_idea(board, title="Dark mode for the dashboard editor")
    factories.make_idea(board, title="Slack alerts when a metric drops")
    duplicate = factories.make_idea(board, title=DUPLICATE)
    customer_user = factories.seasoned_user(email="cora@example.com", name="Cora Customer")
    for voter in (factories.seasoned_user(), factories.seasoned_user(), customer_user):
        cast_vote(voter, duplicate, 1)
    duplicate_id = duplicate.id

    customer = new_page()
    sign_in(customer, "cora@example.com", factories.PASSWORD)
    expect_signed_in(customer, "Cora Customer")
    expect(bell(customer)).to_have_count(0)

    # Searching the board narrows the list in place, and the address says what was searched.
    customer.goto("/boards/acme/dash")
    ideas = customer.get_by_role("region", name="Ideas")
    expect(ideas.get_by_role("link", name="Export dashboards to PDF")).to_be_visible()
    mark_page(customer)
    customer.get_by_label("Search ideas").press_sequentially("dark mode")
    expect(ideas.get_by_role("link", name="Export dashboards to PDF")).to_have_count(0)
    expect(ideas.get_by_role("link", name="Dark mode for the dashboard editor")).to_be_visible()
    expect(customer).to_have_url(re.compile(r"[?&]q=dark(%20|\+)mode(&|$)"))
    expect_same_page(customer)

    # While the title is typed, similar ideas show up: the customer posts theirs anyway.
    customer.get_by_role("link", name="Suggest an idea").click()
    expect(customer.get_by_role("heading", name="Suggest an idea")).to_be_visible()
    similar = customer.locator("#similar-ideas")
    expect(similar).to_contain_text("Start typing a title")
    mark_page(customer)
    customer.get_by_label("Title").press_sequentially(NEW_TITLE)
    expect(similar.get_by_role("link", name=DUPLICATE)).to_be_visible()
    expect(similar.get_by_role("link", name="Export dashboards to PDF")).to_be_visible()
    expect(similar).to_contain_text("3 votes")
    expect_same_page(customer)
    customer.get_by_label("Details").fill("Every Monday at 8, as an attachment, for the **sales** dashboard.")
    customer.get_by_role("button", name="Post idea").click()

    expect(customer.get_by_text("Your idea is posted.")).to_be_visible()
    expect(customer.get_by_role("heading", level=1)).to_contain_text(NEW_TITLE)
    expect(customer.locator(".prose strong")).to_have_text("sales")
    idea_url = customer.url
    idea_id = int(re.search(r"/ideas/(\d+)", idea_url).group(1))
    vote_widget = customer.locator(f"#vote-{idea_id}")
    vote_widget.get_by_role("button", name=f"Vote for {NEW_TITLE}").click()
    expect(vote_widget.get_by_role("button", name=f"Take back your vote for {NEW_TITLE}")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(vote_widget.locator(".vote-count")).to_have_text("1")

    customer.get_by_label("Your comment").fill("Ideally as a PNG too, for Slack.")
    customer.get_by_role("button", name="Post comment").click()
    comments = customer.locator("#comments")
    expect(comments.get_by_role("heading", name="Comments (1)")).to_be_visible()
    expect(comments.locator(".comment")).to_contain_text("Ideally as a PNG too, for Slack.")
    expect(comments.locator(".comment")).to_contain_text("Cora Customer")

    # The product manager, in a browser of their own, plans it with an official response.
    pm = new_page()
    sign_in_as(pm, live_server, pm_user)
    pm.goto(idea_url)
    expect_signed_in(pm, "Pam Product")
    expect(pm.locator("#comments")).to_contain_text("Ideally as a PNG too, for Slack.")
    pm.get_by_label("Status", exact=True).select_option(label="Planned")
    pm.get_by_label("Official response").fill("Planned for the spring release: weekly PDF digests.")
    pm.get_by_role("button", name="Update status").click()
    expect(pm.get_by_text("Status set to Planned")).to_be_visible()

    customer.reload()
    expect(customer.locator(".idea-head .status")).to_have_text("Planned")
    response = customer.get_by_role("region", name=re.compile("Official response"))
    expect(response).to_contain_text("Planned for the spring release: weekly PDF digests.")
    expect(response).to_contain_text("Pam Product")
    expect(bell(customer)).to_have_text("1")
    expect(customer.get_by_role("link", name="Notifications: 1 unread")).to_be_visible()

    # The product manager merges the duplicate, which the customer had voted for too.
    pm.goto(f"/ideas/{duplicate_id}")
    expect(pm.get_by_role("heading", level=1)).to_contain_text(DUPLICATE)
    pm.get_by_label("Merge into another idea").press_sequentially("pdf monday")
    pm.get_by_role("button", name=re.compile(rf"^#{idea_id} {NEW_TITLE}")).click()
    expect(pm.get_by_text(f"into #{idea_id} “{NEW_TITLE}”?")).to_be_visible()
    pm.get_by_role("button", name=f"Merge into #{idea_id}").click()
    expect(pm.get_by_text(f"Merged into #{idea_id}.")).to_be_visible()
    expect(pm.get_by_role("heading", level=1)).to_contain_text(NEW_TITLE)

    # Three voters on the duplicate, one (the customer) also on the kept idea: three votes, not four.
    customer.reload()
    expect(vote_widget.locator(".vote-count")).to_have_text("3")
    expect(customer.locator(f"#idea-{idea_id}-tally")).to_have_text("3 votes")
    expect(vote_widget.get_by_role("button", name=f"Take back your vote for {NEW_TITLE}")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(customer.locator(".idea-head .status")).to_have_text("Planned")
    expect(response).to_contain_text("Planned for the spring release: weekly PDF digests.")
    expect(bell(customer)).to_have_text("2")

    # The duplicate's old address leads to the kept idea, saying what happened.
    customer.goto(f"/ideas/{duplicate_id}")
    expect(customer).to_have_url(re.compile(rf"/ideas/{idea_id}\?merged_from={duplicate_id}$"))
    expect(customer.get_by_role("heading", level=1)).to_contain_text(NEW_TITLE)
    expect(customer.get_by_text(f"“{DUPLICATE}” was merged into this idea")).to_be_visible()
