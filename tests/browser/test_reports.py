"""A member who signed up minutes ago reports a spam comment and an off-topic idea from the idea
page: with htmx the control turns into the confirmation in place; without JavaScript the form
posts, and the page it comes back to shows the confirmation beside the control."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ideas.services.comments import post_comment
from tests.browser.conftest import VIEWPORT
from tests.browser.helpers import expect_same_page, mark_page, sign_in_as
from tests.support import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _spam_on_a_board():
    board = factories.make_board(factories.make_org(name="Acme Analytics", slug="acme"), name="Dashboards", slug="dash")
    idea = factories.make_idea(board, title="Win a free cruise today")
    comment = post_comment(factories.seasoned_user(name="Sam Spammer"), idea, "Best SEO services, cheap")
    return idea, comment


def _report(page, box, reason: str, note: str = "") -> None:
    box.get_by_text("Report", exact=False).first.click()
    box.get_by_label("Reason").select_option(label=reason)
    if note:
        box.get_by_label("Anything a moderator should know? (optional)").fill(note)
    box.get_by_role("button", name="Send to moderators").click()


def test_a_new_member_reports_a_comment_and_an_idea_with_htmx(page, live_server):
    idea, comment = _spam_on_a_board()
    sign_in_as(page, live_server, factories.make_user(name="Nell Newcomer"))
    page.goto(f"/ideas/{idea.id}")
    mark_page(page)

    comment_box = page.locator(f"#report-comment-{comment.id}")
    _report(page, comment_box, "Spam", "Advert for a shop")
    expect(comment_box.get_by_role("status")).to_have_text("Thanks: reported as spam. The moderators will take a look.")
    expect(comment_box.get_by_role("button", name="Send to moderators")).to_have_count(0)

    idea_box = page.locator(f"#report-idea-{idea.id}")
    _report(page, idea_box, "Off-topic")
    expect(idea_box.get_by_role("status")).to_have_text(
        "Thanks: reported as off-topic. The moderators will take a look."
    )
    expect_same_page(page)

    page.reload()
    expect(page.locator(f"#report-comment-{comment.id}").get_by_role("status")).to_have_text(
        "You reported this (spam); the moderators will take a look."
    )


def test_a_new_member_reports_a_comment_and_an_idea_without_javascript(browser, live_server, browser_problems):
    idea, comment = _spam_on_a_board()
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT, java_script_enabled=False)
    context.set_default_timeout(10_000)
    browser_problems.watch(context)
    page = context.new_page()
    sign_in_as(page, live_server, factories.make_user(name="Nora NoScript"))
    page.goto(f"/ideas/{idea.id}")

    _report(page, page.locator(f"#report-comment-{comment.id}"), "Spam")
    expect(page).to_have_url(f"{live_server.url}/ideas/{idea.id}#report-comment-{comment.id}")
    expect(page.locator(f"#report-comment-{comment.id}").get_by_role("status")).to_have_text(
        "You reported this (spam); the moderators will take a look."
    )
    expect(page.get_by_text("Thanks: reported as spam. The moderators will take a look.")).to_be_visible()

    _report(page, page.locator(f"#report-idea-{idea.id}"), "Abusive or harmful", "Not about the product")
    expect(page.locator(f"#report-idea-{idea.id}").get_by_role("status")).to_have_text(
        "You reported this (abusive or harmful); the moderators will take a look."
    )
    context.close()
