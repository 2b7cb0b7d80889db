"""`flask seed-demo` fills the demo organisations with a living ideas exchange: what a new user
notices on the pages, counters that match the tables, and a second run that adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from app.auth.models import AuthSession, User
from app.seed import CUSTOMERS, PEOPLE
from app.seed import ideas as demo
from ideas import counters
from ideas.models import Board, Comment, Idea, Status, Visibility
from ideas.moderation.services import queue
from tests.support.factories import login
from voting.models import VoteBudget
from voting.services import recount_budgets


def _row_counts(db) -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name != AuthSession.__tablename__
    }


def _idea(db, title: str) -> Idea:
    return db.session.scalar(select(Idea).where(Idea.title == title))


def test_seed_demo_fills_the_boards_and_a_second_run_adds_nothing(runner, db, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = _row_counts(db)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "(0 new records)" in second.output
    assert _row_counts(db) == counts

    assert 40 <= counts["ideas"] <= 60 and counts["votes"] > 250 and counts["comments"] > 50
    assert counters.verify() == []
    # Nothing was held back by the new-account spam filter.
    assert (
        db.session.scalar(select(func.count()).select_from(Comment).where(Comment.visibility != Visibility.VISIBLE))
        == 0
    )
    assert db.session.scalar(select(func.count()).select_from(Idea).where(Idea.visibility != Visibility.VISIBLE)) == 0
    assert set(db.session.scalars(select(Idea.status).distinct())) == set(Status.LABELS)

    board_page = client.get("/boards/acme/acme-dashboards")
    assert board_page.status_code == 200
    html = board_page.get_data(as_text=True)
    assert "Schedule dashboard PDFs by email every Monday" in html and "Native Snowflake connector" in html
    assert "Night theme for the wall-mounted TV screens" not in html  # merged ideas leave the list

    # Top, Hot and Trending tell different stories.
    firsts = {
        sort: client.get(f"/boards/acme/acme-dashboards?sort={sort}")
        .get_data(as_text=True)
        .split('class="idea-row-title"')[1][:200]
        for sort in ("top", "hot", "trending", "discussed")
    }
    assert len(set(firsts.values())) >= 3, firsts

    roadmap = client.get("/boards/acme/acme-dashboards/roadmap").get_data(as_text=True)
    assert "Nothing here yet" not in roadmap
    for title in (
        "Dark mode for dashboards",
        "Native Snowflake connector",
        "Schedule dashboard PDFs by email every Monday",
    ):
        assert title in roadmap
    changelog = client.get("/boards/acme/acme-dashboards/changelog").get_data(as_text=True)
    assert "Scheduled reports are here." in changelog and "Export to Google Sheets" in changelog
    assert "Nothing delivered yet" not in client.get("/boards/northwind/route-planner/changelog").get_data(as_text=True)

    merged = _idea(db, "Night theme for the wall-mounted TV screens")
    page = client.get(f"/ideas/{merged.id}?stay=1").get_data(as_text=True)
    assert "Merged into" in page and "Dark mode for dashboards" in page
    assert _idea(db, "Truck height restrictions in route calculation").status == Status.MERGED

    declined = _idea(db, "Share a public dashboard link without a login")
    assert declined.status == Status.DECLINED and "viewer seats are now free" in declined.official_response
    calendar = _idea(db, "Custom fiscal calendar (4-4-5 weeks)")
    assert client.get(f"/ideas/{calendar.id}").status_code == 200
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Comment)
            .where(Comment.idea_id == calendar.id, Comment.accepted_at.is_not(None))
        )
        == 1
    )

    dashboards = db.session.scalar(select(Board).where(Board.slug == "acme-dashboards"))
    flagged = queue(dashboards)
    assert len(flagged) == 1 and flagged[0].target_type == "comment"

    # The private board: hidden from strangers, open to the invited customer.
    assert client.get("/boards/acme/acme-enterprise").status_code == 404
    carlos = db.session.scalar(select(User).where(User.email == "carlos@retail.example.com"))
    login(client, carlos)
    enterprise = client.get("/boards/acme/acme-enterprise").get_data(as_text=True)
    assert "SAML single sign-on with Okta groups mapped to roles" in enterprise

    # Vote budgets hold what the votes on open ideas say, and nobody is over budget.
    for board in db.session.scalars(select(Board).where(Board.vote_budget.is_not(None))):
        used = {
            b.user_id: b.used for b in db.session.scalars(select(VoteBudget).where(VoteBudget.board_id == board.id))
        }
        recount_budgets(board)
        db.session.flush()
        recounted = {
            b.user_id: b.used for b in db.session.scalars(select(VoteBudget).where(VoteBudget.board_id == board.id))
        }
        db.session.rollback()
        assert {k: v for k, v in used.items() if v} == {k: v for k, v in recounted.items() if v}
        assert max(recounted.values()) <= board.vote_budget


def test_the_demo_story_is_consistent():
    """Catch slips in the story itself: people who don't exist, replies before their comment,
    a status change before the idea, a duplicate of an idea on another board."""
    handles = {email.split("@")[0].split(".")[0] for email, *_ in PEOPLE + CUSTOMERS}
    assert len(handles) == len(PEOPLE + CUSTOMERS)
    titles = [idea.title for board in demo.BOARDS for idea in board.ideas]
    assert len(titles) == len(set(titles))
    for board in demo.BOARDS:
        assert {board.pm, *board.voters, *board.invite} <= handles
        on_board = {idea.title for idea in board.ideas}
        for idea in board.ideas:
            assert idea.by in handles and 8 <= len(idea.title) <= 160
            assert idea.recent <= idea.up and (idea.down == 0 or board.allow_downvotes)
            assert idea.category is None or idea.category in board.categories
            assert len(idea.tags) <= 5
            agos = [change.ago for change in idea.statuses]
            assert agos == sorted(agos, reverse=True) and all(ago < idea.ago for ago in agos)
            if idea.duplicate_of:
                assert idea.duplicate_of in on_board and idea.merged_ago < idea.ago
            for comment in idea.comments:
                assert comment.by in handles and comment.ago < idea.ago
                for reply in comment.replies:
                    assert reply.by in handles and reply.ago < comment.ago and not reply.replies
