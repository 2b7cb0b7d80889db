"""Browsing challenges: tabs, filters, search, pages with a constant number of queries; the
challenge page; the home page's open challenges."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from app.clock import utcnow
from app.extensions import db
from challenges.models import State
from challenges.services import listing
from tests.support.challenges import make_challenge, make_submission
from tests.support.factories import add_member, login, make_org, make_user
from tests.support.queries import count_queries


def _award(challenge):
    """Taken straight to Awarded: awarding is another page's business."""
    challenge.state, challenge.awarded_at = State.AWARDED, utcnow()
    db.session.commit()


def test_tabs_show_open_closing_soon_and_awarded(client):
    org = make_org(name="Northwind")
    later = make_challenge(org, title="Later deadline challenge", deadline=utcnow() + timedelta(days=30))
    soon = make_challenge(org, title="Soon deadline challenge", deadline=utcnow() + timedelta(days=3))
    sooner = make_challenge(org, title="Sooner deadline challenge", deadline=utcnow() + timedelta(days=2))
    awarded = make_challenge(org, title="Already awarded challenge")
    _award(awarded)
    make_challenge(org, state="draft", title="Secret draft challenge")

    page = client.get("/challenges").get_data(as_text=True)
    assert all(c.title in page for c in (later, soon, sooner))
    assert "Already awarded challenge" not in page and "Secret draft challenge" not in page
    assert "Northwind" in page and "$5,000" in page and "0 solvers" in page

    closing = client.get("/challenges?tab=closing").get_data(as_text=True)
    assert "Later deadline" not in closing
    assert closing.index("Sooner deadline") < closing.index("Soon deadline challenge")

    done = client.get("/challenges?tab=awarded").get_data(as_text=True)
    assert "Already awarded challenge" in done and "Soon deadline" not in done


def test_a_challenge_past_its_deadline_leaves_the_open_tab(client):
    challenge = make_challenge(title="Short lived challenge", deadline=utcnow() + timedelta(days=2))
    with time_machine.travel(utcnow() + timedelta(days=3)):
        assert "Short lived challenge" not in client.get("/challenges").get_data(as_text=True)
        page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
        assert "Closed" in page


def test_filter_by_type_and_minimum_reward_and_search(client):
    org = make_org()
    make_challenge(org, title="Battery chemistry puzzle", type="theoretical", reward_amount=2_000_000)
    make_challenge(
        org,
        title="Packaging ideas wanted",
        type="ideation",
        reward_amount=100_000,
        summary="Fresh ideas for recyclable packaging of 100% cotton.",
    )
    make_challenge(org, title="Euro priced challenge", currency="eur", reward_amount=900_000)

    by_type = client.get("/challenges?type=theoretical").get_data(as_text=True)
    assert "Battery chemistry" in by_type and "Packaging ideas" not in by_type

    rich = client.get("/challenges?min_reward=5000").get_data(as_text=True)
    assert "Battery chemistry" in rich and "Euro priced" in rich and "Packaging ideas" not in rich

    for odd in ("%C2%B2", "1e9", "-5", "99999999999999999999"):  # ignored, never a 500
        ignored = client.get(f"/challenges?min_reward={odd}")
        assert ignored.status_code == 200 and "Packaging ideas" in ignored.get_data(as_text=True)

    found = client.get("/challenges?q=RECYCLABLE").get_data(as_text=True)
    assert "Packaging ideas" in found and "Battery chemistry" not in found
    literal = client.get("/challenges?q=%25").get_data(as_text=True)  # "%" is a character, not a wildcard
    assert "Packaging ideas" in literal and "Battery chemistry" not in literal
    assert "No challenges match" in client.get("/challenges?q=zeppelin").get_data(as_text=True)


def test_pages_follow_each_other_with_a_constant_number_of_queries(app, client):
    orgs = [make_org() for _ in range(3)]
    for i in range(7):
        make_challenge(orgs[i % 3], title=f"Paged challenge {i:02d}")
    first = listing.browse(listing.Filters(), limit=3)
    second = listing.browse(listing.Filters(), cursor=first.next_cursor, limit=3)
    third = listing.browse(listing.Filters(), cursor=second.next_cursor, limit=3)
    ids = [c.id for page in (first, second, third) for c in page.items]
    assert len(ids) == 7 == len(set(ids)) and third.next_cursor is None

    def queries(limit):
        db.session.expire_all()
        with count_queries(db.engine) as statements:
            response = client.get("/challenges")
        assert response.status_code == 200
        return len(statements)

    few = queries(None)
    for i in range(6):
        make_challenge(make_org(), title=f"More challenge {i}")
    assert queries(None) == few


def test_more_link_serves_the_next_cards_as_a_fragment_for_htmx(client):
    from challenges.services import listing as listing_module

    for i in range(listing_module.PAGE_SIZE + 2):
        make_challenge(title=f"Bulk challenge number {i:02d}")
    page = client.get("/challenges").get_data(as_text=True)
    assert "More challenges" in page
    after = page.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    fragment = client.get(after, headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and text.count("card challenge-card") == 2
    assert "<html" in client.get(after).get_data(as_text=True)


def test_challenge_page_shows_reward_split_deadline_and_criteria(client):
    challenge = make_challenge(title="Cut cold-start time now")
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "$5,000" in page and "$3,000" in page and "$1,500" in page and "$500" in page
    assert f'datetime="{challenge.deadline.isoformat()}"' in page
    assert challenge.deadline.strftime("%d %b %Y, %H:%M") + " UTC" in page
    assert "29 days left" in page or "30 days left" in page
    assert "Feasibility" in page and "<strong>Find a way</strong>" in page
    assert "Open" in page
    # Confidential material only after accepting the terms.
    assert "profiler traces" not in page and "shown after you accept" in page


def test_drafts_are_invisible_to_the_public_and_other_orgs(client, app):
    challenge = make_challenge(state="draft", title="Hidden draft here")
    assert client.get(f"/challenges/{challenge.id}").status_code == 404
    outsider = app.test_client()
    login(outsider, make_user())
    assert outsider.get(f"/challenges/{challenge.id}").status_code == 404
    member = app.test_client()
    login(member, add_member(challenge.organisation, None, "judge"))
    page = member.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "Hidden draft here" in page and "Draft: only members" in page


def test_home_page_lists_open_challenges(client):
    make_challenge(title="Home page challenge")
    make_challenge(state="draft", title="Home page draft")
    page = client.get("/").get_data(as_text=True)
    assert "Open challenges" in page and "Home page challenge" in page and "Home page draft" not in page


def test_solver_count_is_shown(client):
    challenge = make_challenge(title="Counted challenge")
    make_submission(challenge)
    page = client.get("/challenges").get_data(as_text=True)
    assert "1 solver<" in page or "1 solver\n" in page or "1 solver</span>" in page
