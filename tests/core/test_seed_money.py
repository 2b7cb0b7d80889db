"""The demo's money adds up on every page a demo user opens: what a winner is told they won is on
their Earnings page, no offer has lapsed while its notification still says "accept by", each
organisation's Billing page lists the challenges it funded, the demand dashboard weighs votes
by customer segment, and the login list says who is who."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from app.auth.models import User
from app.clock import utcnow
from app.notifications.models import Notification
from app.orgs.models import Organisation
from app.seed import DEMO_PASSWORD
from challenges.models import Challenge, State
from challenges.money import format_money
from challenges.payments import ledger
from ideas.models import Board
from tests.support.factories import login
from voting.demand.services import board_demand

WON = re.compile(r"You won (?P<amount>\S+) in “(?P<title>[^”]+)”")
ACCEPT_BY = re.compile(r"accept the award by (\d\d \w\w\w \d{4} \d\d:\d\d) UTC")


def _user(db, email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_the_demo_money_adds_up_on_the_pages(runner, db, app):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    # Winners: the amount the notification announces is on their Earnings page.
    won = list(db.session.scalars(select(Notification).where(Notification.kind == "challenge.award")))
    assert won, "the demo has winners"
    for notification in won:
        match = WON.search(notification.text)
        assert match, notification.text
        client = app.test_client()
        login(client, db.session.get(User, notification.user_id))
        earnings = client.get("/earnings").get_data(as_text=True)
        assert "No awards yet" not in earnings
        assert match["amount"] in earnings and match["title"] in earnings, notification.text

    # No notification asks for an acceptance whose time is already over.
    for notification in db.session.scalars(select(Notification)):
        for when in ACCEPT_BY.findall(notification.text):
            assert datetime.strptime(when, "%d %b %Y %H:%M").replace(tzinfo=UTC) > utcnow(), notification.text

    # Billing: every funded challenge with what was paid in, and the ledger balances per challenge.
    assert ledger.unbalanced_journals() == []
    for slug, manager in (("acme", "priya@acme.example.com"), ("northwind", "mei@northwind.example.com")):
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        funded = list(
            db.session.scalars(
                select(Challenge).where(
                    Challenge.organisation_id == organisation.id,
                    Challenge.state.not_in((State.DRAFT, State.AWAITING_FUNDING)),
                )
            )
        )
        assert funded
        client = app.test_client()
        login(client, _user(db, manager))
        billing = client.get(f"/orgs/{slug}/billing").get_data(as_text=True)
        assert "Nothing funded yet" not in billing and "No payments yet" not in billing
        for challenge in funded:
            totals = ledger.challenge_totals(challenge.id, challenge.currency)
            assert totals["funded"] == challenge.reward_amount
            assert totals["funded"] == totals["awarded"] + totals["refunded"] + totals["held"]
            assert challenge.title in billing
            assert format_money(challenge.reward_amount, challenge.currency) in billing

    # Demand: the seeded segments weigh the votes on the dashboard.
    client = app.test_client()
    login(client, _user(db, "priya@acme.example.com"))
    page = client.get("/boards/acme/acme-dashboards/demand").get_data(as_text=True)
    assert "No customer segments yet" not in page
    for name in ("Enterprise", "Mid-market", "Self-serve"):
        assert name in page
    board = db.session.scalar(select(Board).where(Board.slug == "acme-dashboards"))
    demand = board_demand(board)
    weighed = {
        share.segment_id for idea in demand.ideas for share in idea.segments if share.segment_id and share.weighted
    }
    assert len(weighed) == 3
    assert demand.ideas[0].weighted > demand.ideas[0].upvotes  # heavier customers count for more

    # The login list says who each demo account is.
    assert f"priya@acme.example.com / {DEMO_PASSWORD} — admin and product manager, Acme Analytics" in result.output
    assert "jonas@acme.example.com / " in result.output and "judge, Acme Analytics" in result.output
    assert "admin@ideaforge.example.com / " in result.output and "site administrator" in result.output
