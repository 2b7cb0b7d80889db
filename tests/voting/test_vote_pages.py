"""The vote widget's pages without JavaScript and its htmx answers: votes left beside the
controls, disabled buttons with their reason, refusals shown beside the control that asked, the
vote chosen before signing in cast after it, one labelled score, and who voted (for PMs)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db
from ideas.models import Vote
from tests.support.factories import add_member, login, make_board, make_idea, make_org, seasoned_user
from voting.demand import services as demand
from voting.services import cast_vote

HX = {"HX-Request": "true"}


@pytest.fixture
def org(db):
    return make_org(name="Acme Analytics", slug="acme")


@pytest.fixture
def board(org):
    return make_board(org, slug="dash", budget=1)


def client_for(app, user):
    client = app.test_client()
    login(client, user)
    return client


def widget(html: str, idea_id: int) -> str:
    """The vote widget of one idea in a page, up to the end of its message slot."""
    start = html.index(f'id="vote-{idea_id}" data-error-scope')
    return html[start : html.index("</p>", html.index(f'id="vote-{idea_id}-error"'))]


def button(html: str, idea_id: int) -> str:
    return re.search(rf'<button type="submit" id="vote-{idea_id}-up"[^>]*>', html).group(0)


def votes_of(user) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(Vote).where(Vote.user_id == user.id))


def test_out_of_votes_the_board_says_so_and_disables_what_would_spend_one(app, board):
    voted, other = make_idea(board, title="Dark mode for dashboards"), make_idea(board, title="Export to PDF")
    customer = seasoned_user()
    cast_vote(customer, voted, 1)
    html = client_for(app, customer).get("/boards/acme/dash").get_data(as_text=True)

    assert "0 of 1 votes left on this board. No votes left: take one back" in html
    refused = button(html, other.id)
    assert "disabled" in refused and f'aria-describedby="vote-{other.id}-note vote-budget"' in refused
    assert f'<span class="vote-note" id="vote-{other.id}-note" data-budget-note>No votes left</span>' in html
    taken_back = button(html, voted.id)  # taking a vote back is always possible
    assert "disabled" not in taken_back and "Take back your vote for Dark mode" in taken_back


def test_a_refused_vote_without_javascript_comes_back_beside_its_row(app, board):
    voted, other = make_idea(board), make_idea(board)
    customer = seasoned_user()
    cast_vote(customer, voted, 1)
    client = client_for(app, customer)

    answer = client.post(f"/ideas/{other.id}/vote", data={"value": "1", "next": "/boards/acme/dash?sort=new"})
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/boards/acme/dash?sort=new#idea-row-{other.id}"
    html = client.get("/boards/acme/dash?sort=new").get_data(as_text=True)
    message = "You have used all 1 of your votes on this board."
    assert message in widget(html, other.id)  # beside the control that was refused...
    assert html.count(message) == 1  # ...and not among the messages at the top
    assert message not in client.get("/boards/acme/dash?sort=new").get_data(as_text=True)  # said once
    assert votes_of(customer) == 1


def test_a_refused_htmx_vote_answers_the_widget_with_its_message_and_status(app, board):
    voted, other = make_idea(board), make_idea(board)
    customer = seasoned_user()
    cast_vote(customer, voted, 1)
    answer = client_for(app, customer).post(f"/ideas/{other.id}/vote", data={"value": "1"}, headers=HX)

    assert answer.status_code == 409 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert re.search(r'id="vote-\d+-error" role="alert" data-error-slot>You have used all 1 of your votes', html)
    assert "disabled" in button(html, other.id)
    assert 'id="vote-budget" data-votes-left="0" hx-swap-oob="true"' in html
    assert votes_of(customer) == 1


def test_a_vote_answers_the_votes_left_out_of_band(app, board):
    idea = make_idea(board)
    html = client_for(app, seasoned_user()).post(f"/ideas/{idea.id}/vote", data={"value": "1"}, headers=HX)
    html = html.get_data(as_text=True)
    assert re.search(r'id="vote-budget" data-votes-left="0" hx-swap-oob="true">\s*0 of 1 votes left', html)


def test_the_server_answers_htmx_errors_as_json_for_the_message_beside_the_control(app, board):
    client = client_for(app, seasoned_user())
    missing = client.post("/ideas/999999/vote", data={"value": "1"}, headers=HX)
    assert missing.status_code == 404 and missing.json["error"]["message"] == "We could not find that page."
    bad = client.post(f"/ideas/{make_idea(board).id}/vote", data={"value": "7"}, headers=HX)
    assert bad.status_code == 400 and bad.json["error"]["message"] == "A vote is 1, -1 or 0 (to take it back)."
    # Browsers without htmx still get the page.
    assert client.post("/ideas/999999/vote", data={"value": "1"}).mimetype == "text/html"


def test_a_visitor_s_vote_is_offered_again_after_sign_in_and_cast_once_on_confirming(app, board, client):
    idea = make_idea(board, title="Scheduled reports")
    html = client.get("/boards/acme/dash?sort=new").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" aria-label="Sign in to vote for Scheduled reports"', html).group(1)
    link = link.replace("&amp;", "&")
    parts = urlsplit(link)
    assert parts.path == "/login"
    confirm = parse_qs(parts.query)["next"][0]
    assert confirm == f"/ideas/{idea.id}/vote?back=/boards/acme/dash?sort%3Dnew&value=1"

    # Signed out, the confirmation asks for sign-in first (and comes back to it).
    assert client.get(confirm).headers["Location"].startswith("/login?next=")
    customer = seasoned_user()
    login(client, customer)
    page = client.get(confirm)
    assert page.status_code == 200 and "Vote for “Scheduled reports”?" in page.get_data(as_text=True)
    assert votes_of(customer) == 0  # showing the confirmation casts nothing
    form = page.get_data(as_text=True)
    assert 'name="next" value="/boards/acme/dash?sort=new"' in form

    cast = client.post(
        f"/ideas/{idea.id}/vote", data={"value": "1", "next": "/boards/acme/dash?sort=new", "context": "list"}
    )
    assert cast.headers["Location"] == f"/boards/acme/dash?sort=new#idea-row-{idea.id}"
    assert votes_of(customer) == 1
    again = client.get(confirm).get_data(as_text=True)
    assert "You have voted for “Scheduled reports”" in again and 'name="value"' not in again
    assert votes_of(customer) == 1


def test_the_confirmation_says_why_a_vote_cannot_be_cast(app, board):
    voted, other = make_idea(board), make_idea(board)
    customer = seasoned_user()
    cast_vote(customer, voted, 1)
    html = client_for(app, customer).get(f"/ideas/{other.id}/vote?value=1").get_data(as_text=True)
    assert "cannot be cast" in html and "You have used all 1 of your votes" in html
    assert 'name="value"' not in html


def test_the_idea_page_shows_one_labelled_score(app, org):
    board = make_board(org, slug="ups", downvotes=True)
    idea = make_idea(board)
    for _ in range(3):
        cast_vote(seasoned_user(), idea, 1)
    cast_vote(seasoned_user(), idea, -1)
    html = app.test_client().get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert 'aria-label="2 votes">2</span>' in html
    assert re.search(r"<strong>2</strong> votes <span class=\"muted\">\(3 up − 1 down\)</span>", html)
    assert "points" not in html


def test_product_managers_see_who_voted_with_their_segments_and_nobody_else_does(app, org):
    pm = org.memberships[0].user
    board = make_board(org, slug="seg")
    idea = make_idea(board)
    enterprise = demand.create_segment(pm, org, "Enterprise", 5)
    demand.map_domain(pm, org, "bigbank.example.com", enterprise.id, None)
    cast_vote(seasoned_user(email="ada@bigbank.example.com", name="Ada Lovelace"), idea, 1)
    cast_vote(seasoned_user(email="fay@freemail.example.org", name="Fay Free"), idea, 1)

    html = client_for(app, pm).get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Who voted (2)" in html
    assert re.search(r"Ada Lovelace</span>\s*<span class=\"chip chip-small\">Enterprise</span>", html)
    assert re.search(r"Fay Free</span>\s*<span class=\"chip chip-small\">No segment</span>", html)

    judge = add_member(org, seasoned_user(), "judge")  # a member, but not a product manager
    for viewer in (judge, seasoned_user()):
        other = client_for(app, viewer).get(f"/ideas/{idea.id}").get_data(as_text=True)
        assert "Who voted" not in other and "Ada Lovelace" not in other
    assert "Who voted" not in app.test_client().get(f"/ideas/{idea.id}").get_data(as_text=True)
