"""What members see: levels and the Super Fan title beside names, leaderboards, the profile
section, and the health page that only the organisation's product managers may open."""

from __future__ import annotations

import time_machine

from app.reputation.models import ReputationEvent
from ideas.services.comments import post_comment
from tests.support.factories import add_member, login, make_board, make_idea, make_org, seasoned_user
from tests.support.queries import count_queries
from tests.support.reputation import give_points, vote


def test_names_show_level_and_super_fan_with_one_query_for_the_page(app, db):
    org = make_org(slug="acme")
    idea = make_idea(make_board(org, slug="dash"))
    fan, regular = seasoned_user(name="Fran Fan"), seasoned_user(name="Rex Regular")
    give_points(fan, org, 600)
    give_points(regular, org, 120)
    for user in (fan, regular):
        post_comment(user, idea, f"I would use this every day, says {user.display_name}.")
    client = app.test_client()
    client.get(f"/ideas/{idea.id}")
    with count_queries(db.engine) as statements:
        page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert 'title="Level 3: Trusted"' in page and 'title="Level 2: Contributor"' in page
    assert page.count("Super Fan</span>") == 1  # one commenter of two: the top one
    assert sum("reputation_totals" in s for s in statements) == 1


def test_leaderboard_all_time_and_this_month(app, db, client):
    org = make_org(slug="acme")
    board = make_board(org, slug="dash")
    veteran, newcomer = seasoned_user(name="Vera Veteran"), seasoned_user(name="Nico Newcomer")
    with time_machine.travel("2026-10-10 12:00Z", tick=False):
        give_points(veteran, org, 300)
    with time_machine.travel("2026-11-05 12:00Z", tick=False):
        idea = make_idea(board, author=newcomer)
        vote(veteran, idea, 1)
        page = client.get("/orgs/acme/community/leaderboard").get_data(as_text=True)
        assert page.index("Vera Veteran") < page.index("Nico Newcomer")
        month = client.get("/orgs/acme/community/leaderboard?period=month").get_data(as_text=True)
        assert "Nico Newcomer" in month and "Vera Veteran" not in month
    assert "Community leaderboard" in client.get("/orgs/acme").get_data(as_text=True)


def test_profile_shows_points_level_badges_and_history(app, db, client):
    org = make_org(name="Acme Analytics", slug="acme")
    idea = make_idea(make_board(org, slug="dash"))
    for _ in range(2):
        vote(seasoned_user(), idea, 1)
    page = client.get(f"/people/{idea.author_id}").get_data(as_text=True)
    assert "Community reputation" in page and "Acme Analytics" in page
    assert "1 · Member" in page and "First idea" in page and "+10" in page and "Votes on an idea" in page
    assert db.session.query(ReputationEvent).count() == 2


def test_health_page_is_for_product_managers_only(app, db):
    org = make_org(slug="acme")
    board = make_board(org, slug="dash")
    idea = make_idea(board)
    helper = seasoned_user()
    post_comment(helper, idea, "Here is a workaround until then.")
    vote(helper, idea, 1)
    outsider, member, pm = app.test_client(), app.test_client(), app.test_client()
    login(outsider, seasoned_user())
    login(member, add_member(org, seasoned_user(), "judge"))
    login(pm, add_member(org, seasoned_user(), "pm"))
    assert outsider.get("/orgs/acme/community").status_code == 404
    assert member.get("/orgs/acme/community").status_code == 403
    response = pm.get("/orgs/acme/community")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.count('class="chart-svg') == 5
    assert "Votes given by the top 1 %" in page and "<polyline" in page
    assert " style=" not in page and "<script>" not in page  # the CSP forbids both
