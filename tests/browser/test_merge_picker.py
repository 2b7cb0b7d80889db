"""A product manager merges a duplicate by the words of the kept idea's title, by keyboard alone:
type, Tab to a suggestion, Enter, read the question, Enter."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ideas.models import Status
from ideas.services.statuses import change_status
from tests.browser.helpers import expect_same_page, mark_page, sign_in_as
from tests.browser.test_every_page import problems_on
from tests.support import factories
from voting.services import cast_vote

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("width", [375, 1366])
def test_pm_finds_the_idea_to_keep_by_title_and_merges_by_keyboard(page, live_server, width):
    pm = factories.make_user("pam@example.com", "Pam Product")
    board = factories.make_board(factories.make_org(pm, name="Acme", slug="acme"), name="Editor", slug="editor")
    keep = factories.make_idea(board, title="Dark theme for the editor")
    factories.make_idea(board, title="Export to PDF")
    duplicate = factories.make_idea(board, title="Dark mode")
    change_status(pm, keep, Status.PLANNED)
    cast_vote(factories.seasoned_user(), keep, 1)
    cast_vote(factories.seasoned_user(), duplicate, 1)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_as(page, live_server, pm)

    for path in (f"/ideas/{duplicate.id}/merge/candidates?q=dark", f"/ideas/{duplicate.id}/merge?into={keep.id}"):
        page.goto(path)  # the pages that stand in for the suggestions and the question without JavaScript
        assert problems_on(page) == [], path
    page.goto(f"/ideas/{duplicate.id}")
    mark_page(page)
    search = page.get_by_label("Merge into another idea")
    search.focus()
    page.keyboard.type("dark them")
    choice = page.get_by_role("button", name=re.compile(rf"^#{keep.id} Dark theme for the editor"))
    expect(choice).to_be_visible()
    expect(choice).to_contain_text("Planned")
    expect(choice).to_contain_text("1 vote")
    expect(page.locator("#merge-candidates button")).to_have_count(1)  # neither itself nor "Export to PDF"

    page.keyboard.press("Tab")  # the Find ideas button (for browsers without JavaScript)
    page.keyboard.press("Tab")
    expect(choice).to_be_focused()
    assert problems_on(page) == [], "the idea page with suggestions"
    page.keyboard.press("Enter")
    question = page.locator("#merge-question")
    expect(question).to_have_text(
        re.compile(
            rf"Merge #{duplicate.id} “Dark mode” into #{keep.id} “Dark theme for the editor”\?\s+"
            r"Votes, followers and comments move\."
        )
    )
    confirm = page.get_by_role("button", name=f"Merge into #{keep.id}")
    expect(confirm).to_be_focused()
    expect_same_page(page)
    assert problems_on(page) == [], "the question in place"

    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Merged into #{keep.id}.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/ideas/{keep.id}$"))
    expect(page.locator(f"#idea-{keep.id}-tally")).to_have_text("2 votes")


@pytest.mark.parametrize("width", [375, 1366])
def test_without_javascript_the_search_and_the_question_are_pages(browser, live_server, browser_problems, width):
    pm = factories.make_user("pam@example.com", "Pam Product")
    board = factories.make_board(factories.make_org(pm, name="Acme", slug="acme"), name="Editor", slug="editor")
    keep = factories.make_idea(board, title="Dark theme for the editor")
    duplicate = factories.make_idea(board, title="Dark mode")
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": width, "height": 900}
    )
    browser_problems.watch(context)
    page = context.new_page()
    sign_in_as(page, live_server, pm)

    page.goto(f"/ideas/{duplicate.id}")
    page.get_by_label("Merge into another idea").fill("editor dark")
    page.get_by_role("button", name="Find ideas").click()
    expect(page).to_have_url(re.compile(rf"/ideas/{duplicate.id}/merge/candidates\?q=editor\+dark$"))
    page.get_by_role("button", name=re.compile(rf"^#{keep.id} Dark theme")).click()
    expect(page.locator("#merge-question")).to_contain_text(f"Merge #{duplicate.id} “Dark mode” into #{keep.id}")
    page.get_by_role("button", name=f"Merge into #{keep.id}").click()
    expect(page.get_by_text(f"Merged into #{keep.id}.")).to_be_visible()
    context.close()
