"""The bell: a member who voted for an idea sees the unread count go up, without reloading, when
a product manager changes the idea's status (htmx polls the bell); opening it marks it read."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ideas.models import Status
from ideas.services.statuses import change_status
from tests.browser.helpers import expect_same_page, mark_page, sign_in_as
from tests.support import factories
from voting.services import cast_vote

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "NOTIFICATIONS_POLL_SECONDS": 1}


def test_the_bell_counts_a_status_change_on_a_voted_idea_without_a_reload(page, live_server, db):
    idea = factories.make_idea(title="Scheduled exports by mail")
    pm = idea.board.organisation.memberships[0].user
    voter = factories.seasoned_user(name="Val Voter")
    cast_vote(voter, idea, 1)
    sign_in_as(page, live_server, voter)
    page.goto(f"/ideas/{idea.id}")
    bell = page.locator("#bell")
    expect(bell).to_have_attribute("aria-label", "Notifications")
    mark_page(page)

    change_status(pm, idea, Status.PLANNED, "Coming in the spring release")
    db.session.commit()

    expect(bell.locator(".bell-count")).to_have_text("1", timeout=10_000)
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    expect_same_page(page)

    bell.click()
    expect(page.get_by_role("button", name="“Scheduled exports by mail” is now Planned")).to_be_visible()
    page.get_by_role("button", name="“Scheduled exports by mail” is now Planned").click()
    expect(page).to_have_url(f"{live_server.url}/ideas/{idea.id}#response")
    expect(page.locator("#bell .bell-count")).to_have_count(0)
