"""A private board leaks nothing: for every route that names a board, idea or comment, an
outsider gets 404 (a visitor may be asked to sign in first) and none of its content."""

import re

import pytest
from werkzeug.routing import Rule

from ideas.services.comments import post_comment
from tests.support.factories import invite_to_board, login, make_board, make_idea, make_org, make_user, seasoned_user

SECRET_TITLE = "Confidential pricing engine revamp"
SECRET_COMMENT = "Internal margin numbers are here"
ANON_OK = {303, 401, 404}  # sign in first (page or API), or not found


@pytest.fixture
def private(db):
    org = make_org(slug="acme", name="Acme")
    board = make_board(org, name="Secret Roadmap", slug="secret", private=True, categories=("Pricing",))
    customer = seasoned_user(name="Invited Customer")
    invite_to_board(board, customer)
    idea = make_idea(board, author=customer, title=SECRET_TITLE, body="Top secret body")
    comment = post_comment(customer, idea, SECRET_COMMENT)
    return board, idea, comment, customer


def _fill(rule: Rule, board, idea, comment) -> str | None:
    values = {
        "org_slug": "acme",
        "board_slug": board.slug,
        "board_id": board.id,
        "idea_id": idea.id,
        "comment_id": comment.id,
        "target_type": "idea",
        "target_id": idea.id,
        "category_id": board.categories[0].id,
        "member_id": 1,
        "user_id": 1,
        "action": "hide",
        "slug": "acme",
    }
    names = list(rule.arguments)
    if not names or not set(names) & {"board_slug", "board_id", "idea_id", "comment_id", "target_id"}:
        return None
    if any(name not in values for name in names):
        return None
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def _routes(app, board, idea, comment):
    for rule in app.url_map.iter_rules():
        url = _fill(rule, board, idea, comment)
        if url:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, url


def test_every_route_is_covered(app, private):
    board, idea, comment, _ = private
    routes = list(_routes(app, board, idea, comment))
    assert len(routes) >= 25


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member_of_other_org"])
def test_outsiders_get_404_and_no_content_anywhere(app, private, who):
    board, idea, comment, _ = private
    client = app.test_client()
    if who == "outsider":
        login(client, seasoned_user())
    elif who == "member_of_other_org":
        login(client, make_org().memberships[0].user)
    leaks = []
    for method, url in _routes(app, board, idea, comment):
        response = client.open(
            url, method=method, data={"value": "1", "body": "x", "reason": "spam"}, headers={"Accept": "text/html"}
        )
        body = response.get_data(as_text=True)
        allowed = ANON_OK if who == "anonymous" else {404}
        if response.status_code not in allowed or SECRET_TITLE in body or SECRET_COMMENT in body:
            leaks.append(f"{method} {url} -> {response.status_code}")
    assert leaks == []
    assert idea.score == 0 and idea.comment_count == 1


def test_lists_and_feeds_elsewhere_do_not_mention_it(app, client, private):
    make_board(private[0].organisation, name="Public board", slug="public")
    for url in [
        "/",
        "/orgs/acme",
        "/boards/acme/public",
        "/boards/acme/public?q=pricing",
        "/boards/acme/public/similar?title=pricing+engine",
        "/boards/acme/public/feed.atom",
    ]:
        body = client.get(url).get_data(as_text=True)
        assert SECRET_TITLE not in body and "Secret Roadmap" not in body, url


def test_invited_customer_needs_a_confirmed_address(app, private):
    board, idea, _, _ = private
    impostor = make_user("late@example.com", verified=False)
    invite_to_board(board, impostor)
    client = app.test_client()
    login(client, impostor)
    assert client.get(f"/ideas/{idea.id}").status_code == 404
    impostor.email_verified_at = impostor.created_at
    from app.extensions import db

    db.session.commit()
    assert client.get(f"/ideas/{idea.id}").status_code == 200


def test_insiders_see_it(app, private):
    board, idea, _, customer = private
    for user in (customer, board.organisation.memberships[0].user):
        client = app.test_client()
        login(client, user)
        assert SECRET_TITLE in client.get("/boards/acme/secret").get_data(as_text=True)
