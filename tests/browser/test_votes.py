"""Voting in the browser: the count changes in place (htmx, no page load), the vote is kept,
a second click takes it back; a visitor who is not signed in is sent to sign in and back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from ideas.models import Vote
from tests.browser.helpers import expect_same_page, mark_page, sign_in_as
from tests.support import factories
from voting.services import cast_vote

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLE = "Share a dashboard with a read-only link"


def vote_button(widget, title: str, voted: bool):
    name = f"Take back your vote for {title}" if voted else f"Vote for {title}"
    return widget.get_by_role("button", name=name, exact=True)


def stored_vote(user, idea) -> int | None:
    db.session.commit()  # end the test's read transaction to see what the server wrote since
    return db.session.scalar(select(Vote.value).where(Vote.user_id == user.id, Vote.idea_id == idea.id))


@pytest.fixture
def board_with_votes(db):
    """A board with a vote budget of 5 and an idea two other customers voted for."""
    board = factories.make_board(factories.make_org(slug="acme"), slug="dash", budget=5)
    idea = factories.make_idea(board, title=TITLE)
    for _ in range(2):
        cast_vote(factories.seasoned_user(), idea, 1)
    return board, idea


def test_vote_on_the_idea_page_updates_in_place_stays_and_is_taken_back(page, live_server, board_with_votes):
    _, idea = board_with_votes
    customer = factories.seasoned_user()
    sign_in_as(page, live_server, customer)
    page.goto(f"/ideas/{idea.id}")
    widget = page.locator(f"#vote-{idea.id}")
    tally = page.locator(f"#idea-{idea.id}-tally")
    budget = page.locator("#vote-budget")
    expect(widget.locator(".vote-count")).to_have_text("2")
    expect(tally).to_contain_text("2 up")
    expect(budget).to_have_text("5 of 5 votes left on this board")

    mark_page(page)
    vote_button(widget, TITLE, voted=False).click()
    expect(vote_button(widget, TITLE, voted=True)).to_have_attribute("aria-pressed", "true")
    expect(widget.locator(".vote-count")).to_have_text("3")
    # The other copies of the numbers on the page follow (out-of-band swaps).
    expect(tally).to_contain_text("3 up · 30 points")
    expect(budget).to_have_text("4 of 5 votes left on this board")
    expect_same_page(page)
    assert stored_vote(customer, idea) == 1

    page.reload()
    expect(vote_button(widget, TITLE, voted=True)).to_have_attribute("aria-pressed", "true")
    expect(widget.locator(".vote-count")).to_have_text("3")
    expect(budget).to_have_text("4 of 5 votes left on this board")

    mark_page(page)
    vote_button(widget, TITLE, voted=True).click()
    expect(vote_button(widget, TITLE, voted=False)).to_have_attribute("aria-pressed", "false")
    expect(widget.locator(".vote-count")).to_have_text("2")
    expect(tally).to_contain_text("2 up")
    expect(budget).to_have_text("5 of 5 votes left on this board")
    expect_same_page(page)

    page.reload()
    expect(vote_button(widget, TITLE, voted=False)).to_have_attribute("aria-pressed", "false")
    expect(widget.locator(".vote-count")).to_have_text("2")
    assert stored_vote(customer, idea) is None


def test_vote_on_the_board_list_updates_in_place_stays_and_is_taken_back(page, live_server, board_with_votes):
    board, idea = board_with_votes
    other = factories.make_idea(board, title="Comments on individual chart points")
    customer = factories.seasoned_user()
    sign_in_as(page, live_server, customer)
    page.goto("/boards/acme/dash")
    row = page.locator(f"#idea-row-{idea.id}")
    other_row = page.locator(f"#idea-row-{other.id}")
    budget = page.locator("#vote-budget")
    expect(row.locator(".vote-count")).to_have_text("2")
    expect(other_row.locator(".vote-count")).to_have_text("0")

    mark_page(page)
    vote_button(row, TITLE, voted=False).click()
    expect(vote_button(row, TITLE, voted=True)).to_have_attribute("aria-pressed", "true")
    expect(row.locator(".vote-count")).to_have_text("3")
    expect(budget).to_have_text("4 of 5 votes left on this board")
    # Only the idea voted for changed.
    expect(vote_button(other_row, other.title, voted=False)).to_have_attribute("aria-pressed", "false")
    expect(other_row.locator(".vote-count")).to_have_text("0")
    expect_same_page(page)

    page.reload()
    expect(vote_button(row, TITLE, voted=True)).to_have_attribute("aria-pressed", "true")
    expect(row.locator(".vote-count")).to_have_text("3")

    mark_page(page)
    vote_button(row, TITLE, voted=True).click()
    expect(vote_button(row, TITLE, voted=False)).to_have_attribute("aria-pressed", "false")
    expect(row.locator(".vote-count")).to_have_text("2")
    expect(budget).to_have_text("5 of 5 votes left on this board")
    expect_same_page(page)

    page.reload()
    expect(vote_button(row, TITLE, voted=False)).to_have_attribute("aria-pressed", "false")
    expect(row.locator(".vote-count")).to_have_text("2")
    assert stored_vote(customer, idea) is None


def test_a_visitor_who_votes_is_asked_to_sign_in_and_comes_back_to_the_idea(page, live_server, board_with_votes):
    _, idea = board_with_votes
    factories.seasoned_user(email="vic@example.com", name="Vic Visitor")
    page.goto(f"/ideas/{idea.id}")
    widget = page.locator(f"#vote-{idea.id}")
    widget.get_by_role("link", name=f"Sign in to vote for {TITLE}").click()

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/login?next=/ideas/{idea.id}")
    page.get_by_label("Email").fill("vic@example.com")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/ideas/{idea.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    vote_button(widget, TITLE, voted=False).click()
    expect(vote_button(widget, TITLE, voted=True)).to_have_attribute("aria-pressed", "true")
    expect(widget.locator(".vote-count")).to_have_text("3")
