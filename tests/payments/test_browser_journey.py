"""In Chromium: fund a challenge on the local checkout page, award it, onboard the winner on the
local onboarding page, and see the payout paid on the earnings page."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from challenges.payments import settle
from challenges.services import awards
from tests.browser.conftest import browser_problems, new_page  # noqa: F401  (fixtures)
from tests.browser.helpers import sign_in_as
from tests.payments.conftest import WEBHOOK_SECRET
from tests.payments.flows import after_deadline, awaiting, owner
from tests.support.challenges import make_submission
from tests.support.live_server import live_server  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_fund_award_onboard_and_get_paid(new_page, live_server, browser_problems, ctl):
    ctl.add_webhook_endpoint(f"{live_server.url}/payments/webhook", WEBHOOK_SECRET)
    challenge = awaiting(reward=100_000)

    seeker = new_page()
    sign_in_as(seeker, live_server, owner(challenge))
    seeker.goto(f"/challenges/{challenge.id}")
    seeker.get_by_role("link", name="Fund the reward").click()
    expect(seeker.get_by_text("Platform fee (5 %)")).to_be_visible()
    seeker.get_by_role("button", name="Pay $1,050 with Stripe").click()
    expect(seeker.locator("strong", has_text="1,050.00 USD")).to_be_visible()  # the local checkout page
    seeker.get_by_role("button", name="Pay", exact=True).click()
    expect(seeker.get_by_text("Payment confirmed.")).to_be_visible(timeout=15_000)

    db.session.commit()
    entry = make_submission(challenge)
    awards.award(owner(challenge), challenge, [(entry.id, 100_000)], now=after_deadline(challenge))
    settle.settle(challenge.id)

    solver = new_page()
    sign_in_as(solver, live_server, entry.solver)
    solver.goto("/earnings")
    expect(solver.get_by_text("Waiting for the winner to connect a payout account.")).to_be_visible()
    solver.get_by_role("button", name="Connect a payout account").click()
    solver.get_by_role("button", name="Complete onboarding").click()
    expect(solver.get_by_text("Your payout account is connected")).to_be_visible()
    expect(solver.get_by_role("cell", name="Paid")).to_be_visible()
    assert [t["amount"] for t in ctl.objects("transfer")] == [100_000]
