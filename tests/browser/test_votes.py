"""Voting in the browser: the count changes in place (htmx, no page load), the vote is kept,
a second click takes it back, focus stays on the button; the votes left are shown beside the
buttons and, once used up, the buttons say why they are disabled; a refused vote says why in
its own row; a visitor who is not signed in signs in and has the chosen vote cast on confirming."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from ideas.models import Idea, Vote
from tests.browser.helpers import expect_same_page, mark_page, read_link, sign_in_as, sign_up
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
    expect(tally).to_have_text("2 votes")
    expect(budget).to_have_text("5 of 5 votes left on this board")

    mark_page(page)
    vote_button(widget, TITLE, voted=False).click()
    expect(vote_button(widget, TITLE, voted=True)).to_have_attribute("aria-pressed", "true")
    expect(vote_button(widget, TITLE, voted=True)).to_be_focused()  # not dropped to <body>
    expect(widget.locator(".vote-count")).to_have_text("3")
    # The other copies of the numbers on the page follow (out-of-band swaps), and agree.
    expect(tally).to_have_text("3 votes")
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
    expect(tally).to_have_text("2 votes")
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


def test_a_visitor_who_votes_signs_in_and_the_vote_is_cast_on_confirming(page, live_server, board_with_votes):
    board, idea = board_with_votes
    vic = factories.seasoned_user(email="vic@example.com", name="Vic Visitor")
    page.goto("/boards/acme/dash")
    row = page.locator(f"#idea-row-{idea.id}")
    row.get_by_role("link", name=f"Sign in to vote for {TITLE}").click()

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill("vic@example.com")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name=f"Vote for “{TITLE}”?")).to_be_visible()
    assert stored_vote(vic, idea) is None  # nothing is cast before the visitor confirms
    page.get_by_role("button", name="Cast my vote").click()

    expect(page).to_have_url(f"{live_server.url}/boards/acme/dash#idea-row-{idea.id}")
    expect(vote_button(row, TITLE, voted=True)).to_have_attribute("aria-pressed", "true")
    expect(row.locator(".vote-count")).to_have_text("3")
    expect(page.locator("#vote-budget")).to_have_text("4 of 5 votes left on this board")
    assert stored_vote(vic, idea) == 1
    page.go_back()  # the confirmation again: it says the vote is in, and casts nothing more
    page.reload()
    expect(page.get_by_role("heading", name=f"You have voted for “{TITLE}”")).to_be_visible()
    db.session.commit()
    assert db.session.scalar(select(Idea.upvotes).where(Idea.id == idea.id)) == 3


def test_a_visitor_who_votes_signs_up_confirms_and_the_vote_is_cast_on_confirming(
    page, live_server, board_with_votes, mailbox
):
    board, idea = board_with_votes
    page.goto("/boards/acme/dash")
    page.locator(f"#idea-row-{idea.id}").get_by_role("link", name=f"Sign in to vote for {TITLE}").click()
    page.get_by_role("link", name="Create an account").click()
    sign_up(page, "Nia Newcomer", "nia@example.com", "harbour-lantern-42")

    page.goto(read_link(mailbox, "nia@example.com"))  # the confirmation link in her mail
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_role("heading", name=f"Vote for “{TITLE}”?")).to_be_visible()
    nia = db.session.scalar(select(factories.User).where(factories.User.email == "nia@example.com"))
    assert stored_vote(nia, idea) is None
    page.get_by_role("button", name="Cast my vote").click()
    expect(page).to_have_url(f"{live_server.url}/boards/acme/dash#idea-row-{idea.id}")
    assert stored_vote(nia, idea) == 1


@pytest.fixture
def one_vote_board(db):
    """A board where each member has one vote, with two ideas."""
    board = factories.make_board(factories.make_org(slug="acme"), slug="one", budget=1)
    return board, factories.make_idea(board, title=TITLE), factories.make_idea(board, title="Export charts as PNG")


def test_the_last_vote_disables_the_other_buttons_with_the_reason(page, live_server, one_vote_board):
    _, idea, other = one_vote_board
    sign_in_as(page, live_server, factories.seasoned_user())
    page.goto("/boards/acme/one")
    budget = page.locator("#vote-budget")
    expect(budget).to_have_text("1 of 1 votes left on this board")
    other_button = vote_button(page.locator(f"#idea-row-{other.id}"), other.title, voted=False)
    expect(other_button).to_be_enabled()

    mark_page(page)
    vote_button(page.locator(f"#idea-row-{idea.id}"), TITLE, voted=False).click()
    expect(budget).to_contain_text("0 of 1 votes left on this board. No votes left: take one back")
    expect(other_button).to_be_disabled()
    expect(other_button).to_have_accessible_description(re.compile(r"^No votes left 0 of 1 votes left"))
    expect(page.locator(f"#idea-row-{other.id}").get_by_text("No votes left")).to_be_visible()
    expect(vote_button(page.locator(f"#idea-row-{idea.id}"), TITLE, voted=True)).to_be_focused()

    vote_button(page.locator(f"#idea-row-{idea.id}"), TITLE, voted=True).click()  # take it back
    expect(budget).to_have_text("1 of 1 votes left on this board")
    expect(other_button).to_be_enabled()
    expect(page.locator(f"#idea-row-{other.id}").get_by_text("No votes left")).to_be_hidden()
    expect_same_page(page)


def test_a_refused_vote_says_why_in_its_own_row(page, browser, live_server, one_vote_board, browser_problems):
    """The member voted in another tab: these pages still offer the vote. With htmx the refusal
    (a 409) is shown in the row clicked, with the budget, not as a generic message at the top;
    without JavaScript the page comes back with the message in the same place."""
    _, idea, other = one_vote_board
    customer = factories.seasoned_user()
    sign_in_as(page, live_server, customer)
    page.goto("/boards/acme/one")
    plain_context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    browser_problems.watch(plain_context)  # closed with the others after the test
    plain = plain_context.new_page()
    sign_in_as(plain, live_server, customer)
    plain.goto("/boards/acme/one")
    cast_vote(customer, idea, 1)  # elsewhere, after both pages were loaded

    row = page.locator(f"#idea-row-{other.id}")
    mark_page(page)
    vote_button(row, other.title, voted=False).click()
    message = "You have used all 1 of your votes on this board."
    expect(row.get_by_role("alert")).to_contain_text(message)
    expect(page.locator("#flashes")).not_to_contain_text("Something went wrong")
    expect(page.locator("#flashes")).not_to_contain_text(message)
    expect(vote_button(row, other.title, voted=False)).to_be_disabled()
    expect(row.get_by_role("alert")).to_be_focused()  # the button it left is disabled now
    expect(page.locator("#vote-budget")).to_contain_text("0 of 1 votes left")
    expect_same_page(page)

    plain_row = plain.locator(f"#idea-row-{other.id}")
    vote_button(plain_row, other.title, voted=False).click()
    expect(plain).to_have_url(f"{live_server.url}/boards/acme/one#idea-row-{other.id}")
    expect(plain_row.get_by_role("alert")).to_contain_text(message)
    expect(plain.locator("#flashes")).not_to_contain_text(message)
    expect(vote_button(plain_row, other.title, voted=False)).to_be_disabled()
    assert stored_vote(customer, other) is None


def test_any_refused_htmx_action_says_why_beside_its_control(page, live_server, board_with_votes, browser_problems):
    """The same for every htmx control (here Follow, whose CSRF token has expired): the
    server's own message, beside the button, not a generic one at the top of the page."""
    _, idea = board_with_votes
    sign_in_as(page, live_server, factories.seasoned_user())
    page.goto(f"/ideas/{idea.id}")
    page.evaluate("""() => document.body.setAttribute("hx-headers", '{"X-CSRFToken": "expired"}')""")
    follow = page.locator(f"#follow-{idea.id}")
    follow.locator("input[name=csrf_token]").evaluate("input => { input.value = 'expired'; }")
    follow.get_by_role("button", name="Follow").click()
    expect(follow.get_by_role("alert")).to_have_text(
        "Your form expired or came from another site. Reload the page and try again."
    )
    expect(page.locator("#flashes")).not_to_contain_text("Something went wrong")
    expect(follow.get_by_role("button", name="Follow")).to_have_attribute("aria-pressed", "false")
    # htmx itself logs the refusal it did not swap; that one was provoked here, and is all.
    browser_problems.flush()
    assert [line for line in browser_problems.messages() if "Status Error Code 400" not in line] == []
    browser_problems.clear()
