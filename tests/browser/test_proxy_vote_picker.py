"""A product manager records a customer's vote by finding them by name (htmx suggestions with
their segment), not by typing an address that might make a phantom customer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in_as
from tests.support import factories
from voting.demand.services import create_segment, map_domain
from voting.services import cast_vote

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_pm_finds_a_customer_by_name_and_records_their_vote(page, live_server):
    pm = factories.make_user("pam@example.com", "Pam Product")
    org = factories.make_org(pm, name="Acme Analytics", slug="acme")
    board = factories.make_board(org, name="Dashboards", slug="dash")
    idea = factories.make_idea(board, title="Export dashboards to PDF")
    gloria = factories.make_user("gloria@globex.example.com", name="Gloria Globex")
    cast_vote(gloria, factories.make_idea(board, title="Dark mode for the editor"), 1)
    map_domain(pm, org, "globex.example.com", create_segment(pm, org, "Enterprise", 5).id, None)
    sign_in_as(page, live_server, pm)

    page.goto(f"/ideas/{idea.id}")
    page.get_by_label("Find a customer").press_sequentially("glo")
    suggestion = page.get_by_role("button", name="Vote for Gloria Globex")
    expect(suggestion).to_be_visible()
    expect(page.locator("#proxy-people")).to_contain_text("Enterprise")
    page.get_by_label("Where it came from").fill("Call on 12 May")
    suggestion.click()
    expect(page.get_by_text("Vote recorded for Gloria Globex.")).to_be_visible()
    expect(page.get_by_text("Call on 12 May")).to_be_visible()
