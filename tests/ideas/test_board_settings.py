from sqlalchemy import select

from app.jobs import wait_idle
from ideas.models import Board, BoardMember, Category
from tests.support.factories import add_member, login, make_board, make_idea, make_org, seasoned_user
from voting.models import VoteBudget
from voting.services import cast_vote


def _pm_client(app, org):
    client = app.test_client()
    login(client, org.memberships[0].user)
    return client


def test_pm_creates_a_board_with_categories(app, db):
    org = make_org(slug="acme")
    response = _pm_client(app, org).post(
        "/orgs/acme/boards/new",
        data={
            "name": "Mobile App",
            "description": "Our **phone** app",
            "categories": "Android, iOS, , Android",
            "allow_downvotes": "y",
        },
    )
    assert response.headers["Location"] == "/boards/acme/mobile-app"
    board = db.session.scalar(select(Board).where(Board.slug == "mobile-app"))
    assert [c.name for c in board.categories] == ["Android", "iOS"] and board.allow_downvotes
    page = app.test_client().get("/boards/acme/mobile-app").get_data(as_text=True)
    assert "<strong>phone</strong>" in page and "Confidence" in page


def test_duplicate_board_address_and_bad_budget_are_refused(app, db):
    org = make_org(slug="acme")
    make_board(org, slug="mobile")
    client = _pm_client(app, org)
    taken = client.post("/orgs/acme/boards/new", data={"name": "Mobile", "slug": "mobile"})
    bad = client.post("/orgs/acme/boards/new", data={"name": "Budget", "vote_budget": "0"})
    assert taken.status_code == bad.status_code == 422
    assert db.session.query(Board).count() == 1


def test_only_pms_create_boards(app, db):
    org = make_org(slug="acme")
    judge = app.test_client()
    login(judge, add_member(org, None, "judge"))
    assert judge.post("/orgs/acme/boards/new", data={"name": "Sneaky"}).status_code == 403
    outsider = app.test_client()
    login(outsider, seasoned_user())
    assert outsider.get("/orgs/acme/boards/new").status_code == 404
    assert db.session.query(Board).count() == 0


def test_settings_update_categories_and_customers(app, db):
    org = make_org(slug="acme")
    board = make_board(org, slug="dash", categories=("Reporting",))
    client = _pm_client(app, org)
    client.post("/boards/acme/dash/settings", data={"name": "Dashboards", "description": "", "is_private": "y"})
    client.post("/boards/acme/dash/categories", data={"name": "Alerts"})
    client.post("/boards/acme/dash/customers", data={"email": "Buyer@Globex.example.com"})
    # The invitation's mail goes out in a job, which writes its own state: on SQLite this test's
    # read-then-write (refresh, then make_idea) would fail if that write landed in between.
    assert wait_idle(20), "the invitation mail's job is still running"
    db.session.refresh(board)
    assert board.name == "Dashboards" and board.is_private
    assert sorted(c.name for c in board.categories) == ["Alerts", "Reporting"]
    assert db.session.scalar(select(BoardMember.email)) == "buyer@globex.example.com"
    reporting = db.session.scalar(select(Category).where(Category.name == "Reporting"))
    idea = make_idea(board, category_id=reporting.id)
    client.post(f"/boards/acme/dash/categories/{reporting.id}/delete")
    db.session.refresh(idea)
    assert idea.category_id is None  # the idea stays, without a category
    page = client.get("/boards/acme/dash/settings").get_data(as_text=True)
    assert "buyer@globex.example.com" in page


def test_switching_a_budget_on_counts_the_votes_already_cast(app, db):
    org = make_org(slug="acme")
    board = make_board(org, slug="dash")
    voter = seasoned_user()
    for _ in range(2):
        cast_vote(voter, make_idea(board), 1)
    _pm_client(app, org).post("/boards/acme/dash/settings", data={"name": board.name, "vote_budget": "5"})
    assert db.session.scalar(select(VoteBudget.used).where(VoteBudget.user_id == voter.id)) == 2


def test_board_settings_are_404_for_customers(app, db):
    make_board(make_org(slug="acme"), slug="dash")
    client = app.test_client()
    login(client, seasoned_user())
    assert client.get("/boards/acme/dash/settings").status_code == 404
    assert client.post("/boards/acme/dash/categories", data={"name": "X"}).status_code == 404
