"""Demand for product managers: segments and customer values, weighted and revenue demand, the
90-day history, the dashboard, its CSV export, the segments page and the JSON API."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from app.errors_domain import Conflict, NotFound, ValidationFailed
from tests.support.factories import (
    add_member,
    invite_to_board,
    login,
    make_board,
    make_idea,
    make_org,
    make_user,
    seasoned_user,
)
from tests.support.queries import count_queries
from voting.demand import services as demand
from voting.demand.models import CustomerValue, Segment
from voting.services import cast_vote, retract_vote

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def org(db):
    return make_org(name="Acme Analytics", slug="acme")


@pytest.fixture
def pm(org):
    return org.memberships[0].user


@pytest.fixture
def board(org):
    return make_board(org, name="Dashboards", slug="dash", downvotes=True)


@pytest.fixture
def tiers(org, pm):
    """Enterprise ×5, Pro ×2, Free ×1; everyone @bigbank.example.com is Enterprise."""
    segments = {
        name: demand.create_segment(pm, org, name, weight)
        for name, weight in (("Enterprise", 5), ("Pro", 2), ("Free", 1))
    }
    demand.map_domain(pm, org, "@BigBank.example.com", segments["Enterprise"].id, None)
    return segments


def voter(email: str, name: str | None = None):
    return seasoned_user(email=email, name=name)


def client_for(app, user):
    client = app.test_client()
    login(client, user)
    return client


def by_id(result):
    return {idea.idea_id: idea for idea in result.ideas}


# ---------------------------------------------------------------- the numbers


def test_weighted_demand_is_the_sum_of_the_up_voters_weights(board, pm, tiers):
    popular, plain, disliked = make_idea(board), make_idea(board), make_idea(board)
    ada, bob = voter("ada@bigbank.example.com", "Ada"), voter("bob@bigbank.example.com", "Bob")
    fay = voter("fay@freemail.example.org", "Fay")
    demand.map_domain(pm, board.organisation, "freemail.example.org", tiers["Free"].id, None)
    for person in (ada, bob, fay):
        cast_vote(person, popular, 1)
    for n in range(3):
        cast_vote(voter(f"walk{n}@else.example.net"), plain, 1)
    cast_vote(voter("pat@else.example.net"), disliked, 1)
    for n in range(3):
        cast_vote(voter(f"no{n}@else.example.net"), disliked, -1)

    result = demand.board_demand(board)
    ideas = by_id(result)
    assert demand.DEFAULT_WEIGHT == 1
    assert ideas[popular.id].weighted == 2 * 5 + 1 * 1 == 11
    assert ideas[plain.id].weighted == 3
    # Voters without a segment weigh DEFAULT_WEIGHT; down-votes never subtract: they are counted beside demand.
    assert (ideas[disliked.id].weighted, ideas[disliked.id].upvotes, ideas[disliked.id].downvotes) == (1, 1, 3)
    assert [i.idea_id for i in result.ideas] == [popular.id, plain.id, disliked.id]
    assert result.total_ideas == 3


def test_one_by_one_overrides_the_domain_rule(board, pm, tiers):
    idea = make_idea(board)
    ada, bob = voter("ada@bigbank.example.com"), voter("bob@bigbank.example.com")
    cast_vote(ada, idea, 1)
    cast_vote(bob, idea, 1)
    assert by_id(demand.board_demand(board))[idea.id].weighted == 10
    demand.set_customer_value(pm, board.organisation, "Bob@BigBank.example.com", tiers["Pro"].id, None)
    assert by_id(demand.board_demand(board))[idea.id].weighted == 5 + 2
    # Clearing the override puts Bob back under his domain.
    demand.set_customer_value(pm, board.organisation, bob.email, None, None)
    assert by_id(demand.board_demand(board))[idea.id].weighted == 10


def test_revenue_mode_counts_each_account_once_per_idea(board, pm, tiers):
    org = board.organisation
    demand.map_domain(pm, org, "bigbank.example.com", tiers["Enterprise"].id, 1_000_000)
    demand.map_domain(pm, org, "smallshop.example.com", tiers["Pro"].id, 30_000)
    bank_idea, shop_idea = make_idea(board), make_idea(board)
    bankers = [voter(f"b{n}@bigbank.example.com") for n in range(3)]
    shoppers = [voter(f"s{n}@smallshop.example.com") for n in range(4)]
    solo = voter("solo@freelance.example.com", "Solo Consultant")
    for person in bankers:
        cast_vote(person, bank_idea, 1)
    cast_vote(solo, bank_idea, 1)
    demand.set_customer_value(pm, org, solo.email, None, 50_000)
    for person in shoppers:
        cast_vote(person, shop_idea, 1)
    cast_vote(bankers[0], shop_idea, 1)

    by_weight = demand.board_demand(board, demand.WEIGHT)
    by_revenue = demand.board_demand(board, demand.REVENUE)
    weight_ideas, revenue_ideas = by_id(by_weight), by_id(by_revenue)
    # Three bankers are one account: 1,000,000 once, plus the solo account's 50,000.
    assert revenue_ideas[bank_idea.id].revenue == 1_050_000
    assert revenue_ideas[shop_idea.id].revenue == 30_000 + 1_000_000
    assert weight_ideas[bank_idea.id].weighted == 3 * 5 + 1
    assert weight_ideas[shop_idea.id].weighted == 4 * 2 + 5
    assert [i.idea_id for i in by_weight.ideas] == [bank_idea.id, shop_idea.id]
    assert [i.idea_id for i in by_revenue.ideas] == [bank_idea.id, shop_idea.id]
    # A banker with a revenue of their own becomes an account of their own.
    demand.set_customer_value(pm, org, bankers[1].email, None, 5_000)
    assert by_id(demand.board_demand(board, demand.REVENUE))[bank_idea.id].revenue == 1_000_000 + 5_000 + 50_000
    # ... and the revenue mode can change the order.
    demand.map_domain(pm, org, "smallshop.example.com", tiers["Pro"].id, 9_000_000)
    assert [i.idea_id for i in demand.board_demand(board, demand.REVENUE).ideas] == [shop_idea.id, bank_idea.id]


def test_breakdown_by_segment_and_top_customers(board, pm, tiers):
    org = board.organisation
    demand.map_domain(pm, org, "bigbank.example.com", tiers["Enterprise"].id, 2_000_000)
    idea = make_idea(board)
    ada = voter("ada@bigbank.example.com", "Ada Banker")
    bob = voter("bob@bigbank.example.com", "Bob Banker")
    pia = voter("pia@pro.example.com", "Pia Pro")
    nat = voter("nat@nowhere.example.com", "Nat Nobody")
    for person in (nat, pia, ada, bob):
        cast_vote(person, idea, 1)
    demand.set_customer_value(pm, org, pia.email, tiers["Pro"].id, 40_000)

    result = demand.board_demand(board)
    row = by_id(result)[idea.id]
    shares = {result.segment_name(s.segment_id): (s.votes, s.weighted, s.accounts, s.revenue) for s in row.segments}
    assert shares == {"Enterprise": (2, 10, 1, 2_000_000), "Pro": (1, 2, 1, 40_000), "No segment": (1, 1, 1, 0)}
    # Heaviest segment first, "No segment" last.
    assert [result.segment_name(s.segment_id) for s in row.segments] == ["Enterprise", "Pro", "No segment"]
    assert sum(s.weighted for s in row.segments) == row.weighted == 13
    assert sum(s.revenue for s in row.segments) == row.revenue == 2_040_000
    # Top customers by weight: the heaviest, earliest voters first, three at most.
    assert [(c.name, c.detail, c.weight) for c in row.top_customers] == [
        ("Ada Banker", "@bigbank.example.com", 5),
        ("Bob Banker", "@bigbank.example.com", 5),
        ("Pia Pro", "@pro.example.com", 2),
    ]
    # By revenue: accounts, a company once with its number of voters; no revenue, no place.
    top = by_id(demand.board_demand(board, demand.REVENUE))[idea.id].top_customers
    assert [(c.name, c.detail, c.revenue) for c in top] == [
        ("bigbank.example.com", "2 voters", 2_000_000),
        ("Pia Pro", "@pro.example.com", 40_000),
    ]


def test_deleting_a_segment_falls_back_to_the_default_weight(board, pm, tiers):
    idea = make_idea(board)
    cast_vote(voter("ada@bigbank.example.com"), idea, 1)
    assert by_id(demand.board_demand(board))[idea.id].weighted == 5
    demand.delete_segment(pm, tiers["Enterprise"])
    row = by_id(demand.board_demand(board))[idea.id]
    assert row.weighted == demand.DEFAULT_WEIGHT
    assert [s.segment_id for s in row.segments] == [None]


def test_segments_of_another_organisation_do_not_count(board, pm, tiers):
    other_org = make_org()
    other_pm = other_org.memberships[0].user
    heavy = demand.create_segment(other_pm, other_org, "Whale", 1000)
    with pytest.raises(NotFound):
        demand.map_domain(pm, board.organisation, "x.example.com", heavy.id, None)
    demand.map_domain(other_pm, other_org, "x.example.com", heavy.id, 9)
    idea = make_idea(board)
    cast_vote(voter("someone@x.example.com"), idea, 1)
    row = by_id(demand.board_demand(board))[idea.id]
    assert (row.weighted, row.revenue) == (1, 0)


def test_service_validation(board, pm, tiers):
    org = board.organisation
    with pytest.raises(Conflict):
        demand.create_segment(pm, org, " Enterprise ", 3)
    with pytest.raises(ValidationFailed):
        demand.create_segment(pm, org, "Huge", 10_001)
    with pytest.raises(ValidationFailed):
        demand.map_domain(pm, org, "not a domain", tiers["Pro"].id, None)
    with pytest.raises(ValidationFailed, match="segment or enter a yearly revenue"):
        demand.map_domain(pm, org, "ok.example.com", None, None)
    with pytest.raises(ValidationFailed):
        demand.map_domain(pm, org, "ok.example.com", None, -5)
    # Mapping a domain again replaces its values instead of failing.
    demand.map_domain(pm, org, "ok.example.com", tiers["Pro"].id, 10)
    again = demand.map_domain(pm, org, "OK.example.com", None, 20)
    assert (again.segment_id, again.yearly_revenue) == (None, 20) and len(demand.domains_of(org)) == 2
    # The customer must exist and be known to the organisation.
    with pytest.raises(NotFound, match="No customer of yours"):
        demand.set_customer_value(pm, org, "ghost@example.com", tiers["Pro"].id, None)
    stranger = make_user("stranger@example.com")
    with pytest.raises(NotFound):
        demand.set_customer_value(pm, org, stranger.email, tiers["Pro"].id, None)
    invite_to_board(make_board(org, private=True), stranger)
    assert demand.set_customer_value(pm, org, stranger.email, tiers["Pro"].id, None).user_id == stranger.id


# ---------------------------------------------------------------- the 90-day history


def test_history_covers_the_last_90_days_by_day(board):
    idea = make_idea(board)
    old, edge, recent = voter("old@x.example.com"), voter("edge@x.example.com"), voter("new@x.example.com")
    cast_vote(old, idea, 1, now=NOW - timedelta(days=90))  # the day before the window
    cast_vote(edge, idea, 1, now=NOW.replace(hour=0, minute=0) - timedelta(days=89))  # its first day
    cast_vote(recent, idea, -1, now=NOW - timedelta(hours=1))
    cast_vote(voter("today@x.example.com"), idea, 1, now=NOW - timedelta(minutes=5))
    with time_machine.travel(NOW, tick=False):
        days = demand.vote_history(board)
    assert len(days) == 90
    assert days[0].day == (NOW - timedelta(days=89)).date() and days[-1].day == NOW.date()
    assert (days[0].up, days[0].down) == (1, 0)
    assert (days[-1].up, days[-1].down) == (1, 1)
    assert sum(d.up for d in days) == 2 and sum(d.down for d in days) == 1  # the 90-day-old vote is out


def test_history_ignores_other_boards_and_retracted_votes(board):
    idea, elsewhere = make_idea(board), make_idea(make_board())
    person = voter("p@x.example.com")
    cast_vote(person, idea, 1)
    cast_vote(person, elsewhere, 1)
    cast_vote(voter("q@x.example.com"), idea, 1)
    retract_vote(person, idea)
    assert sum(d.up for d in demand.vote_history(board)) == 1


# ---------------------------------------------------------------- the dashboard


@pytest.fixture
def voted_board(board, pm, tiers):
    org = board.organisation
    demand.map_domain(pm, org, "bigbank.example.com", tiers["Enterprise"].id, 1_200_000)
    idea = make_idea(board, title="Export dashboards to PDF")
    for name in ("Ada", "Bob"):
        cast_vote(voter(f"{name.lower()}@bigbank.example.com", f"{name} Banker"), idea, 1)
    cast_vote(voter("fay@free.example.com", "Fay Free"), idea, 1)
    other = make_idea(board, title="Dark mode")
    cast_vote(voter("zed@free.example.com", "Zed"), other, 1)
    cast_vote(voter("neg@free.example.com"), other, -1)
    return board


def test_dashboard_shows_the_ranking_breakdown_chart_and_toggle(app, voted_board, pm):
    client = client_for(app, pm)
    response = client.get("/boards/acme/dash/demand")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.index("Export dashboards to PDF") < html.index("Dark mode")
    assert ">11<" in html  # 2 × 5 + 1
    assert "Enterprise: 10" in html and "Ada Banker" in html and "@bigbank.example.com" in html
    assert "−1 down" in html
    # The tab, the toggle (a GET form), the export link.
    assert 'aria-current="page">Demand</a>' in html
    assert 'method="get"' in html and 'name="mode" value="revenue"' in html
    assert (
        'href="/boards/acme/dash/demand.csv?mode=weight&amp;status=open&amp;status=under_review'
        '&amp;status=planned&amp;status=in_progress"' in html
    )
    # The chart: server-drawn SVG with a title, a summary and a data table; no inline style or script.
    assert '<svg viewBox="0 0 900 240" role="img"' in html and '<title id="demand-chart-title">' in html
    assert "4 up-votes and 1 down-vote" in html and "<caption>Votes per day, last 90 days</caption>" in html
    assert "style=" not in html.split("<main", 1)[-1] and "<script>" not in html

    revenue = client.get("/boards/acme/dash/demand?mode=revenue").get_data(as_text=True)
    assert "1,200,000" in revenue and "bigbank.example.com" in revenue and "2 voters" in revenue
    assert 'value="revenue" id="mode-revenue" checked' in revenue
    # An unknown mode falls back to weights rather than failing.
    assert client.get("/boards/acme/dash/demand?mode=zzz").status_code == 200


def test_board_tab_is_for_product_managers_only(app, voted_board, pm):
    assert "/boards/acme/dash/demand" in client_for(app, pm).get("/boards/acme/dash").get_data(as_text=True)
    customer = client_for(app, seasoned_user())
    assert "/demand" not in customer.get("/boards/acme/dash").get_data(as_text=True)


def test_empty_dashboard_explains_itself(app, board, pm):
    html = client_for(app, pm).get("/boards/acme/dash/demand").get_data(as_text=True)
    assert "No votes on this board's ideas of these statuses yet" in html and "No customer segments yet" in html


def test_permissions(app, client, board, org):
    private = make_board(org, slug="secret", private=True)
    for path in ("/boards/acme/dash/demand", "/boards/acme/dash/demand.csv", "/orgs/acme/segments"):
        response = client.get(path)
        assert response.status_code in (302, 303) and "/login" in response.headers["Location"], path
    customer = client_for(app, seasoned_user())
    assert customer.get("/boards/acme/dash/demand").status_code == 404
    assert customer.get("/boards/acme/dash/demand.csv").status_code == 404
    assert customer.get("/boards/acme/secret/demand").status_code == 404
    assert customer.get("/orgs/acme/segments").status_code == 404
    invited = seasoned_user()
    invite_to_board(private, invited)
    assert client_for(app, invited).get("/boards/acme/secret/demand").status_code == 404
    judge = add_member(org, seasoned_user(), "judge")
    judge_client = client_for(app, judge)
    assert judge_client.get("/boards/acme/dash/demand").status_code == 403
    assert judge_client.get("/boards/acme/secret/demand").status_code == 403
    assert judge_client.get("/orgs/acme/segments").status_code == 403
    assert (
        judge_client.post("/orgs/acme/segments", data={"segment-name": "X", "segment-weight": "3"}).status_code == 403
    )
    other_pm = make_org(slug="rival").memberships[0].user
    assert client_for(app, other_pm).get("/boards/acme/secret/demand").status_code == 404
    product_manager = add_member(org, seasoned_user(), "pm")
    assert client_for(app, product_manager).get("/boards/acme/secret/demand").status_code == 200


def test_dashboard_query_count_is_constant(app, db, board, pm, tiers):
    demand.map_domain(pm, board.organisation, "bigbank.example.com", tiers["Enterprise"].id, 100)
    client = client_for(app, pm)
    voters = [voter(f"v{n}@bigbank.example.com") for n in range(3)] + [voter("w@else.example.com")]

    def add_ideas(count):
        for _ in range(count):
            idea = make_idea(board)
            for person in voters:
                cast_vote(person, idea, 1)

    def queries(path):
        client.get(path)  # warm the app's caches, not the data's
        with count_queries(db.engine) as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    add_ideas(2)
    few = {mode: queries(f"/boards/acme/dash/demand?mode={mode}") for mode in demand.MODES}
    few_csv = queries("/boards/acme/dash/demand.csv")
    add_ideas(18)
    many = {mode: queries(f"/boards/acme/dash/demand?mode={mode}") for mode in demand.MODES}
    assert few == many, f"{few} queries for 2 ideas, {many} for 20"
    assert queries("/boards/acme/dash/demand.csv") == few_csv
    assert max(many.values()) <= 15


# ---------------------------------------------------------------- the CSV export


def _csv(response):
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_csv_export_has_a_row_per_idea_with_the_breakdown(app, voted_board, pm):
    response = client_for(app, pm).get("/boards/acme/dash/demand.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="demand-acme-dash-weight.csv"'
    assert "no-store" in response.headers["Cache-Control"]
    rows = _csv(response)
    header, first, second = rows[0], dict(zip(rows[0], rows[1])), dict(zip(rows[0], rows[2]))
    assert len(rows) == 3
    assert header[:9] == [
        "rank",
        "idea_id",
        "title",
        "status",
        "url",
        "upvotes",
        "downvotes",
        "weighted_demand",
        "revenue_demand",
    ]
    assert "Enterprise: weighted" in header and "No segment: votes" in header
    assert first["title"] == "Export dashboards to PDF" and first["weighted_demand"] == "11"
    assert first["Enterprise: votes"] == "2" and first["Enterprise: weighted"] == "10"
    assert first["Enterprise: revenue"] == "1200000" and first["revenue_demand"] == "1200000"
    assert first["No segment: weighted"] == "1" and first["Pro: votes"] == "0"
    assert first["url"].endswith(f"/ideas/{first['idea_id']}")
    assert "Ada Banker (@bigbank.example.com)" in first["top customers by weight"]
    assert (second["title"], second["upvotes"], second["downvotes"]) == ("Dark mode", "1", "1")


def test_csv_cells_cannot_run_as_formulas(app, board, pm):
    demand.create_segment(pm, board.organisation, "+Partners", 3)
    for title in ('=HYPERLINK("http://evil.example")', "-2+3 looks like a sum", "@SUM(A1:A2) please"):
        cast_vote(voter(f"v{len(title)}@x.example.com", "=cmd|' /C calc'!A0"), make_idea(board, title=title), 1)
    rows = _csv(client_for(app, pm).get("/boards/acme/dash/demand.csv"))
    titles = sorted(row[2] for row in rows[1:])
    assert titles == sorted(['\'=HYPERLINK("http://evil.example")', "'-2+3 looks like a sum", "'@SUM(A1:A2) please"])
    assert "'+Partners: votes" in rows[0]
    assert all(row[-1].startswith("'=cmd") for row in rows[1:])
    assert demand_csv_cell_numbers_untouched()


def demand_csv_cell_numbers_untouched() -> bool:
    from voting.demand.routes import csv_cell

    return csv_cell(-5) == -5 and csv_cell("plain") == "plain" and csv_cell("\tx") == "'\tx"


# ---------------------------------------------------------------- the segments page


def test_segments_page_manages_segments_domains_and_customers(app, board, pm, org):
    client = client_for(app, pm)
    page = client.get("/orgs/acme/segments")
    assert page.status_code == 200 and 'aria-current="page">Segments</a>' in page.get_data(as_text=True)
    assert Segment.query.count() == 0  # GET changes nothing

    created = client.post("/orgs/acme/segments", data={"segment-name": "Enterprise", "segment-weight": "5"})
    assert created.status_code == 303 and created.headers["Location"].endswith("/orgs/acme/segments#segments")
    enterprise = Segment.query.one()
    assert (enterprise.name, enterprise.weight) == ("Enterprise", 5)

    duplicate = client.post("/orgs/acme/segments", data={"segment-name": "Enterprise", "segment-weight": "2"})
    assert duplicate.status_code == 422 and "Already used." in duplicate.get_data(as_text=True)
    bad_weight = client.post("/orgs/acme/segments", data={"segment-name": "Huge", "segment-weight": "99999"})
    assert bad_weight.status_code == 422 and "A whole number from 0 to 10000." in bad_weight.get_data(as_text=True)

    edited = client.post(f"/orgs/acme/segments/{enterprise.id}/edit", data={"name": "Enterprise+", "weight": "6"})
    assert edited.status_code == 303 and (enterprise.name, enterprise.weight) == ("Enterprise+", 6)

    mapped = client.post(
        "/orgs/acme/segments/domains",
        data={
            "domain-domain": "@bigbank.example.com",
            "domain-segment_id": str(enterprise.id),
            "domain-yearly_revenue": "1,500,000",
        },
    )
    assert mapped.status_code == 303
    listing = client.get("/orgs/acme/segments").get_data(as_text=True)
    assert "@bigbank.example.com" in listing and "1,500,000" in listing
    bad_domain = client.post(
        "/orgs/acme/segments/domains", data={"domain-domain": "not a domain", "domain-yearly_revenue": "12 apples"}
    )
    html = bad_domain.get_data(as_text=True)
    assert bad_domain.status_code == 422 and "Enter a whole amount, like 250,000." in html

    customer = voter("cara@bigbank.example.com", "Cara Customer")
    cast_vote(customer, make_idea(board), 1)
    unknown = client.post(
        "/orgs/acme/segments/customers",
        data={"customer-email": "nobody@nowhere.example.com", "customer-segment_id": str(enterprise.id)},
    )
    assert unknown.status_code == 422 and "No customer of yours uses that address." in unknown.get_data(as_text=True)
    saved = client.post(
        "/orgs/acme/segments/customers",
        data={
            "customer-email": "Cara@bigbank.example.com",
            "customer-segment_id": "",
            "customer-yearly_revenue": "42000",
        },
    )
    assert saved.status_code == 303
    value = CustomerValue.query.one()
    assert (value.user_id, value.segment_id, value.yearly_revenue) == (customer.id, None, 42_000)
    assert "Cara Customer" in client.get("/orgs/acme/segments").get_data(as_text=True)

    assert client.post(f"/orgs/acme/segments/customers/{value.id}/delete").status_code == 303
    assert CustomerValue.query.count() == 0
    mapping_id = demand.domains_of(org)[0].id
    assert client.post(f"/orgs/acme/segments/domains/{mapping_id}/delete").status_code == 303
    assert demand.domains_of(org) == []
    # Another organisation's ids are not found here.
    rival = make_org(slug="rival")
    theirs = demand.create_segment(rival.memberships[0].user, rival, "Theirs", 2)
    assert client.post(f"/orgs/acme/segments/{enterprise.id}/delete").status_code == 303
    assert demand.segments_of(org) == []
    assert client.post(f"/orgs/acme/segments/{theirs.id}/delete").status_code == 404
    assert client.get(f"/orgs/acme/segments/{theirs.id}/edit").status_code == 404


def test_segments_link_in_the_organisation_nav(app, org, pm):
    html = client_for(app, pm).get("/orgs/acme/members").get_data(as_text=True)
    assert 'href="/orgs/acme/segments"' in html


# ---------------------------------------------------------------- the JSON API


def test_api_demand_shape(app, voted_board, pm):
    from app.api import services as api_services

    _token, secret = api_services.create_token(pm, "demand script")
    headers = {"Authorization": f"Bearer {secret}"}
    response = app.test_client().get(f"/api/v1/boards/{voted_board.id}/demand?mode=revenue&limit=1", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"board_id", "mode", "default_weight", "total_ideas", "segments", "ideas", "daily_votes"}
    assert (body["mode"], body["default_weight"], body["total_ideas"], len(body["ideas"])) == ("revenue", 1, 2, 1)
    assert [s["name"] for s in body["segments"]] == ["Enterprise", "Pro", "Free"]
    idea = body["ideas"][0]
    assert (idea["title"], idea["upvotes"], idea["weighted_demand"], idea["revenue_demand"], idea["demand"]) == (
        "Export dashboards to PDF",
        3,
        11,
        1_200_000,
        1_200_000,
    )
    assert {"segment_id": None, "name": "No segment", "votes": 1, "weighted": 1, "accounts": 1, "revenue": 0} in idea[
        "segments"
    ]
    assert idea["top_customers"] == [
        {
            "name": "bigbank.example.com",
            "detail": "2 voters",
            "segment": "Enterprise",
            "weight": 0,
            "revenue": 1_200_000,
            "voters": 2,
        }
    ]
    assert len(body["daily_votes"]) == 90 and set(body["daily_votes"][-1]) == {"date", "up", "down"}
    assert sum(d["up"] for d in body["daily_votes"]) == 4

    by_weight = app.test_client().get(f"/api/v1/boards/{voted_board.id}/demand", headers=headers).get_json()
    assert by_weight["ideas"][0]["demand"] == 11 and by_weight["ideas"][0]["top_customers"][0]["weight"] == 5
    bad = app.test_client().get(f"/api/v1/boards/{voted_board.id}/demand?mode=loud&limit=0", headers=headers)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"mode", "limit"}


def test_api_demand_permissions(app, board, org):
    from app.api import services as api_services

    def call(user, board_id=board.id):
        _token, secret = api_services.create_token(user, "t")
        return app.test_client().get(f"/api/v1/boards/{board_id}/demand", headers={"Authorization": f"Bearer {secret}"})

    private = make_board(org, slug="hidden", private=True)
    assert call(seasoned_user()).status_code == 404
    assert call(seasoned_user(), private.id).status_code == 404
    assert call(seasoned_user(), 999_999).get_json()["error"]["code"] == "not_found"
    assert call(add_member(org, seasoned_user(), "judge")).status_code == 403
    assert app.test_client().get(f"/api/v1/boards/{board.id}/demand").status_code == 401
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "/api/v1/boards/{board_id}/demand" in document["paths"]


# ---------------------------------------------------------------- the status filter


@pytest.fixture
def staged_board(board, pm):
    """Four voted ideas: open (2 votes), planned (1), delivered (3, today), declined (1)."""
    from ideas.services.statuses import change_status

    ideas = {}
    for title, status, votes in (
        ("Open idea", "open", 2),
        ("Planned idea", "planned", 1),
        ("Delivered idea", "delivered", 3),
        ("Declined idea", "declined", 1),
    ):
        ideas[status] = make_idea(board, title=title)
        for _ in range(votes):
            cast_vote(seasoned_user(), ideas[status], 1)
        if status != "open":
            change_status(pm, ideas[status], status)
    return ideas


def _ranked(html: str) -> list[str]:
    return [
        title for title in ("Open idea", "Planned idea", "Delivered idea", "Declined idea") if f">{title}</a>" in html
    ]


def test_the_dashboard_shows_the_ideas_not_closed_unless_told(app, staged_board, pm):
    client = client_for(app, pm)
    html = client.get("/boards/acme/dash/demand").get_data(as_text=True)
    assert _ranked(html) == ["Open idea", "Planned idea"]
    assert "3 up-votes and 0 down-votes" in html  # the chart counts the same ideas (2 + 1, not 7)
    for status in ("open", "under_review", "planned", "in_progress"):
        assert f'name="status" value="{status}" checked' in html
    assert 'name="status" value="delivered">' in html and 'name="status" value="declined">' in html


def test_the_filter_in_the_url_applies_to_ranking_chart_and_csv(app, staged_board, pm):
    client = client_for(app, pm)
    html = client.get("/boards/acme/dash/demand?status=delivered&status=planned").get_data(as_text=True)
    assert _ranked(html) == ["Planned idea", "Delivered idea"]
    assert "4 up-votes and 0 down-votes" in html
    assert 'name="status" value="delivered" checked' in html and 'name="status" value="open">' in html
    assert 'href="/boards/acme/dash/demand.csv?mode=weight&amp;status=planned&amp;status=delivered"' in html
    rows = _csv(client.get("/boards/acme/dash/demand.csv?status=delivered&status=planned"))
    assert [row[2] for row in rows[1:]] == ["Delivered idea", "Planned idea"]  # ranked by demand
    default = _csv(client.get("/boards/acme/dash/demand.csv"))
    assert [row[2] for row in default[1:]] == ["Open idea", "Planned idea"]
    revenue = client.get("/boards/acme/dash/demand?mode=revenue&status=declined").get_data(as_text=True)
    assert _ranked(revenue) == ["Declined idea"] and 'value="revenue" id="mode-revenue" checked' in revenue


def test_an_unknown_status_says_so_instead_of_failing(app, staged_board, pm):
    client = client_for(app, pm)
    page = client.get("/boards/acme/dash/demand?status=open&status=closed")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Unknown status “closed”: the statuses are open, under_review, planned, in_progress, delivered" in html
    assert _ranked(html) == ["Open idea", "Planned idea"]  # the default, said as much
    export = client.get("/boards/acme/dash/demand.csv?status=%3Dcmd")
    assert export.status_code == 400 and "Unknown status “=cmd”" in export.get_data(as_text=True)
    with pytest.raises(ValidationFailed):
        demand.parse_statuses(["merged"])
    assert demand.parse_statuses(["", " "]) == demand.DEFAULT_STATUSES
