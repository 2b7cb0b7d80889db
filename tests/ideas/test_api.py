"""The ideas resources of the JSON API: boards, ideas, comments, statuses and merges, as a client
with a personal access token sees them; private boards answer 404 to outsiders on every route,
whatever the body; lists cost the same number of queries whatever their length."""

from __future__ import annotations

import re
from datetime import timedelta

import jsonschema
import pytest

from app.clock import utcnow
from app.extensions import db as _db
from ideas.models import Comment, Idea, IdeaRevision, Status, Vote
from ideas.moderation.services import block
from ideas.services.comments import delete_comment, post_comment
from ideas.services.statuses import change_status
from tests.support.factories import (
    add_member,
    invite_to_board,
    make_board,
    make_idea,
    make_org,
    make_user,
    seasoned_user,
    token_client,
)
from tests.support.queries import count_queries
from voting.services import cast_vote

IDEA_FIELDS = {
    "id",
    "board_id",
    "title",
    "body",
    "body_html",
    "status",
    "upvotes",
    "downvotes",
    "score",
    "comment_count",
    "follower_count",
    "created_at",
    "author",
    "category",
    "tags",
    "merged_into_id",
    "official_response",
    "url",
    "my_vote",
    "visibility",
}


@pytest.fixture
def acme(db):
    return make_org(name="Acme Analytics", slug="acme")


@pytest.fixture
def pm(acme):
    return acme.memberships[0].user  # the owner: admin and product manager


@pytest.fixture
def board(acme):
    return make_board(acme, name="Dashboards", slug="dash", categories=("Reporting", "Mobile"))


@pytest.fixture
def customer(app, db):
    return token_client(app, seasoned_user(name="Casey Customer"))


@pytest.fixture
def pm_api(app, pm):
    return token_client(app, pm)


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def assert_documented(document, method: str, path: str, response) -> None:
    """The response body validates against the schema the document declares for it."""
    operation = document["paths"][path][method.lower()]
    declared = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    schema = {**declared, "components": document["components"]}
    jsonschema.validate(response.get_json(), schema, cls=jsonschema.Draft202012Validator)


# ---- boards --------------------------------------------------------------------------------------


def test_boards_list_shows_what_the_caller_may_see_page_by_page(app, acme, board, customer):
    make_board(acme, name="Internal", slug="internal", private=True)
    invited = make_board(make_org(slug="globex"), name="Globex beta", slug="beta", private=True)
    invite_to_board(invited, customer.user)
    make_board(acme, name="Public two", slug="two")

    seen, cursor = [], None
    while True:
        body = customer.get(
            "/api/v1/boards", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})}
        ).get_json()
        seen += [b["name"] for b in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Public two", "Globex beta", "Dashboards"]  # newest first; not the private Internal

    only_acme = customer.get("/api/v1/boards?organisation=acme").get_json()["data"]
    assert [b["slug"] for b in only_acme] == ["two", "dash"]
    dash = only_acme[1]
    assert dash["organisation"] == {"id": acme.id, "slug": "acme", "name": "Acme Analytics"}
    assert [c["name"] for c in dash["categories"]] == ["Mobile", "Reporting"]
    assert dash["url"] == "http://localhost/boards/acme/dash"


def test_a_product_manager_opens_a_board_by_organisation_slug_or_id(pm_api, acme, document):
    response = pm_api.post(
        "/api/v1/boards",
        json={
            "organisation": "acme",
            "name": "Mobile app",
            "slug": "mobile",
            "description": "Ideas for *mobile*",
            "is_private": True,
            "allow_downvotes": True,
            "vote_budget": 10,
            "categories": ["iOS", "Android", "ios"],
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["name"] == "Mobile app" and body["slug"] == "mobile" and body["is_private"] is True
    assert body["vote_budget"] == 10 and body["remaining_votes"] == 10 and body["can_manage"] is True
    assert [c["name"] for c in body["categories"]] == ["Android", "iOS"]
    assert_documented(document, "POST", "/api/v1/boards", response)

    by_id = pm_api.post("/api/v1/boards", json={"organisation": acme.id, "name": "Web", "slug": "web"})
    assert by_id.status_code == 201 and by_id.get_json()["organisation"]["slug"] == "acme"
    assert pm_api.get(f"/api/v1/boards/{by_id.get_json()['id']}").get_json()["name"] == "Web"


def test_opening_a_board_is_for_product_managers_only(app, acme, board, pm_api):
    member = token_client(app, add_member(acme, seasoned_user()))
    outsider = token_client(app, seasoned_user())
    payload = {"organisation": "acme", "name": "Sneaky", "slug": "sneaky"}

    refused = member.post("/api/v1/boards", json=payload)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    assert outsider.post("/api/v1/boards", json=payload).status_code == 404
    assert outsider.post("/api/v1/boards", json={**payload, "organisation": "nope"}).status_code == 404
    taken = pm_api.post("/api/v1/boards", json={**payload, "slug": "dash"})
    assert taken.status_code == 409 and taken.get_json()["error"]["fields"] == {"slug": ["Already taken."]}


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"name": "x", "slug": "ok"}, "name"),
        ({"name": "Fine name", "slug": "Not A Slug"}, "slug"),
        ({"name": "Fine name", "slug": "ok", "vote_budget": 0}, "vote_budget"),
        ({"name": "Fine name", "slug": "ok", "is_private": "yes"}, "is_private"),
        ({"name": "Fine name", "slug": "ok", "colour": "red"}, "colour"),
        ({"name": "Fine name"}, "slug"),
    ],
)
def test_board_validation_names_the_field(pm_api, acme, payload, field):
    response = pm_api.post("/api/v1/boards", json={"organisation": "acme", **payload})
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_one_board_says_what_the_caller_may_do(customer, pm_api, board, document):
    seen_by_customer = customer.get(f"/api/v1/boards/{board.id}")
    assert seen_by_customer.status_code == 200
    body = seen_by_customer.get_json()
    assert body["can_participate"] is True and body["can_manage"] is False and body["remaining_votes"] is None
    assert [c["slug"] for c in body["categories"]] == ["mobile", "reporting"]
    assert pm_api.get(f"/api/v1/boards/{board.id}").get_json()["can_manage"] is True
    assert_documented(document, "GET", "/api/v1/boards/{board_id}", seen_by_customer)
    assert customer.get("/api/v1/boards/999999").status_code == 404


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/boards/{n}"),
        ("POST", "/boards/{n}/ideas"),
        ("PATCH", "/ideas/{n}"),
        ("DELETE", "/ideas/{n}"),
        ("POST", "/ideas/{n}/comments"),
        ("PUT", "/ideas/{n}/vote"),
    ],
)
def test_ids_beyond_the_database_range_are_404_on_every_method(customer, method, path):
    for n in (2**31, 2**64):
        response = customer.open("/api/v1" + path.format(n=n), method=method, json={"value": 1})
        assert response.status_code == 404, (method, path, n)


# ---- ideas ---------------------------------------------------------------------------------------


def test_posting_an_idea_answers_201_with_the_idea(customer, board, document):
    reporting = board.categories[1]
    response = customer.post(
        f"/api/v1/boards/{board.id}/ideas",
        json={
            "title": "Export   dashboards to PDF",
            "body": "**Please**, with <script>alert(1)</script> logos",
            "category_id": reporting.id,
            "tags": ["PDF", "export", "pdf"],
        },
    )
    assert response.status_code == 201, response.get_json()
    idea = response.get_json()
    assert set(idea) >= IDEA_FIELDS
    assert idea["title"] == "Export dashboards to PDF" and idea["board_id"] == board.id
    assert idea["body"].startswith("**Please**")
    assert "<strong>Please</strong>" in idea["body_html"] and "<script>" not in idea["body_html"]
    assert idea["status"] == "open" and idea["visibility"] == "visible"
    assert (idea["upvotes"], idea["downvotes"], idea["score"], idea["comment_count"]) == (0, 0, 0, 0)
    assert idea["follower_count"] == 1 and idea["my_vote"] == 0
    assert idea["author"] == {"id": customer.user.id, "display_name": "Casey Customer"}
    assert idea["category"] == {"id": reporting.id, "name": "Reporting", "slug": "reporting"}
    assert idea["tags"] == ["export", "pdf"]
    assert idea["url"] == f"http://localhost/ideas/{idea['id']}"
    assert_documented(document, "POST", "/api/v1/boards/{board_id}/ideas", response)
    assert customer.get(f"/api/v1/ideas/{idea['id']}").get_json() == idea


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"title": "short"}, "title"),
        ({"title": "A long enough title", "tags": ["a", "b", "c", "d", "e", "f"]}, "tags"),
        ({"title": "A long enough title", "category_id": "1"}, "category_id"),
        ({"title": "A long enough title", "votes": 5}, "votes"),
        ({"body": "no title"}, "title"),
    ],
)
def test_idea_validation_names_the_field(customer, board, payload, field):
    response = customer.post(f"/api/v1/boards/{board.id}/ideas", json=payload)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]


def test_a_category_of_another_board_is_refused_by_the_service_with_its_field(customer, board, acme):
    other = make_board(acme, categories=("Elsewhere",))
    response = customer.post(
        f"/api/v1/boards/{board.id}/ideas", json={"title": "A long enough title", "category_id": other.categories[0].id}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"category_id": ["Choose one of this board's categories."]}


def test_a_body_that_is_not_json_is_a_400(customer, board):
    response = customer.post(f"/api/v1/boards/{board.id}/ideas", data="title=hello")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_a_brand_new_accounts_spammy_idea_waits_and_shows_only_to_its_author(app, board, customer):
    newcomer = token_client(app, make_user())
    response = newcomer.post(
        f"/api/v1/boards/{board.id}/ideas",
        json={"title": "Cheap watches buy now", "body": "http://spam.example http://spam.example http://spam.example"},
    )
    assert response.status_code == 201
    idea = response.get_json()
    assert idea["visibility"] == "pending"
    assert newcomer.get(f"/api/v1/ideas/{idea['id']}").status_code == 200
    assert customer.get(f"/api/v1/ideas/{idea['id']}").status_code == 404
    assert customer.get(f"/api/v1/boards/{board.id}/ideas").get_json()["data"] == []


def test_hidden_and_pending_ideas_of_others_are_404(app, board, customer, pm_api):
    author = seasoned_user()
    hidden = make_idea(board, author=author, title="Hidden by a moderator", visibility="hidden")
    pending = make_idea(board, author=author, title="Waiting for a moderator", visibility="pending")
    for idea in (hidden, pending):
        assert customer.get(f"/api/v1/ideas/{idea.id}").status_code == 404
        assert customer.put(f"/api/v1/ideas/{idea.id}/vote", json={"value": 1}).status_code == 404
        assert customer.post(f"/api/v1/ideas/{idea.id}/comments", json={"body": "x"}).status_code == 404
        assert token_client(app, author).get(f"/api/v1/ideas/{idea.id}").status_code == 200
        assert pm_api.get(f"/api/v1/ideas/{idea.id}").get_json()["visibility"] == idea.visibility


def test_list_sorts_filters_and_pages(app, board, customer, document):
    voter = seasoned_user()
    reporting, mobile = board.categories[1], board.categories[0]
    old = make_idea(
        board,
        title="Scheduled email reports",
        category_id=reporting.id,
        tags=["email"],
        created_at=utcnow() - timedelta(days=3),
    )
    popular = make_idea(board, title="Dark mode for the mobile app", category_id=mobile.id, tags=["ui"])
    newest = make_idea(board, title="Keyboard shortcuts everywhere", tags=["ui"])
    for user in (voter, customer.user):
        cast_vote(user, popular, 1)
    cast_vote(voter, old, 1)
    change_status(board.organisation.memberships[0].user, newest, Status.PLANNED)

    def titles(**query):
        response = customer.get(f"/api/v1/boards/{board.id}/ideas", query_string=query)
        assert response.status_code == 200, response.get_json()
        return [i["title"] for i in response.get_json()["data"]]

    assert titles() == [popular.title, old.title, newest.title]  # top
    assert titles(sort="new") == [newest.title, popular.title, old.title]
    assert titles(status="planned") == [newest.title]
    assert titles(category="reporting") == [old.title]
    assert titles(tag="ui", sort="new") == [newest.title, popular.title]
    assert titles(q="email reports") == [old.title]
    assert titles(q="nothing-like-this") == []

    first = customer.get(f"/api/v1/boards/{board.id}/ideas?limit=2").get_json()
    assert [i["my_vote"] for i in first["data"]] == [1, 0] and first["data"][0]["upvotes"] == 2
    rest = customer.get(f"/api/v1/boards/{board.id}/ideas", query_string={"cursor": first["next_cursor"]})
    assert [i["title"] for i in rest.get_json()["data"]] == [newest.title] and rest.get_json()["next_cursor"] is None
    assert_documented(document, "GET", "/api/v1/boards/{board_id}/ideas", rest)

    wrong_sort = customer.get(
        f"/api/v1/boards/{board.id}/ideas", query_string={"sort": "new", "cursor": first["next_cursor"]}
    )
    assert wrong_sort.status_code == 422 and "cursor" in wrong_sort.get_json()["error"]["fields"]
    for bad in ({"sort": "random"}, {"status": "done"}, {"limit": 0}):
        response = customer.get(f"/api/v1/boards/{board.id}/ideas", query_string=bad)
        assert response.status_code == 422 and list(response.get_json()["error"]["fields"]) == list(bad)


def test_similar_ideas_are_at_most_five_best_first_without_merged_ones(board, customer, pm):
    ideas = [make_idea(board, title=f"Export reports as PDF, variant {n}") for n in range(7)]
    merged, target = ideas[0], ideas[1]
    from ideas.services.merging import merge_ideas

    merge_ideas(pm, merged, target)
    make_idea(board, title="Something unrelated entirely")
    response = customer.get(f"/api/v1/boards/{board.id}/ideas/similar", query_string={"q": "pdf export"})
    assert response.status_code == 200
    found = response.get_json()["data"]
    assert len(found) == 5 and merged.id not in {i["id"] for i in found}
    assert set(found[0]) == {"id", "board_id", "title", "status", "score", "comment_count", "url"}
    assert customer.get(f"/api/v1/boards/{board.id}/ideas/similar?q=zzzz").get_json() == {"data": []}
    assert customer.get(f"/api/v1/boards/{board.id}/ideas/similar").status_code == 422


def test_the_author_edits_within_the_window_and_the_history_keeps_the_old_text(board, customer, document):
    idea = customer.post(
        f"/api/v1/boards/{board.id}/ideas",
        json={"title": "Export dashboards to PDF", "category_id": board.categories[0].id, "tags": ["pdf"]},
    ).get_json()
    response = customer.patch(f"/api/v1/ideas/{idea['id']}", json={"body": "With *logos*", "category_id": None})
    assert response.status_code == 200, response.get_json()
    edited = response.get_json()
    assert edited["title"] == "Export dashboards to PDF" and edited["body_html"] == "<p>With <em>logos</em></p>\n"
    assert edited["category"] is None and edited["tags"] == ["pdf"] and edited["edited_at"] is not None
    assert_documented(document, "PATCH", "/api/v1/ideas/{idea_id}", response)
    assert _db.session.query(IdeaRevision).filter_by(idea_id=idea["id"]).count() == 1

    bad = customer.patch(f"/api/v1/ideas/{idea['id']}", json={"title": "tiny"})
    assert bad.status_code == 422 and "title" in bad.get_json()["error"]["fields"]


def test_editing_after_the_window_is_403_but_product_managers_still_can(app, board, customer, pm_api):
    idea = make_idea(
        board, author=customer.user, title="Export dashboards to PDF", created_at=utcnow() - timedelta(hours=1)
    )
    refused = customer.patch(f"/api/v1/ideas/{idea.id}", json={"title": "Export dashboards to PNG"})
    assert refused.status_code == 403 and "edit window" in refused.get_json()["error"]["message"]
    assert token_client(app, seasoned_user()).patch(f"/api/v1/ideas/{idea.id}", json={}).status_code == 403
    fixed = pm_api.patch(f"/api/v1/ideas/{idea.id}", json={"title": "Export dashboards to PNG"})
    assert fixed.status_code == 200 and fixed.get_json()["title"] == "Export dashboards to PNG"


def test_deleting_an_idea_until_someone_votes(app, board, customer):
    lonely = make_idea(board, author=customer.user).id
    assert token_client(app, seasoned_user()).delete(f"/api/v1/ideas/{lonely}").status_code == 403
    response = customer.delete(f"/api/v1/ideas/{lonely}")
    assert response.status_code == 204 and response.data == b""
    assert customer.get(f"/api/v1/ideas/{lonely}").status_code == 404

    voted = make_idea(board, author=customer.user)
    cast_vote(seasoned_user(), voted, 1)
    conflict = customer.delete(f"/api/v1/ideas/{voted.id}")
    assert conflict.status_code == 409 and "votes or comments" in conflict.get_json()["error"]["message"]


# ---- comments ------------------------------------------------------------------------------------


def test_comments_and_replies_newest_first_page_by_page(app, board, customer, document):
    idea = make_idea(board)
    first = customer.post(f"/api/v1/ideas/{idea.id}/comments", json={"body": "Would love **this**"})
    assert first.status_code == 201, first.get_json()
    top = first.get_json()
    assert top["body_html"] == "<p>Would love <strong>this</strong></p>\n" and top["parent_id"] is None
    assert top["author"]["display_name"] == "Casey Customer" and top["deleted"] is False
    assert_documented(document, "POST", "/api/v1/ideas/{idea_id}/comments", first)
    other = seasoned_user()
    reply = post_comment(other, idea, "Me too", parent_id=top["id"])
    # Answering a reply joins its thread: replies stay one level deep.
    nested = customer.post(f"/api/v1/ideas/{idea.id}/comments", json={"body": "Thanks", "parent_id": reply.id})
    assert nested.get_json()["parent_id"] == top["id"]
    gone = post_comment(other, idea, "Oops, wrong idea")
    delete_comment(other, gone)

    page = customer.get(f"/api/v1/ideas/{idea.id}/comments?limit=2").get_json()
    assert [c["body"] for c in page["data"]] == ["", "Thanks"]
    assert page["data"][0]["deleted"] is True and page["data"][0]["body_html"] == ""
    rest = customer.get(f"/api/v1/ideas/{idea.id}/comments", query_string={"cursor": page["next_cursor"]})
    assert [c["body"] for c in rest.get_json()["data"]] == ["Me too", "Would love **this**"]
    assert_documented(document, "GET", "/api/v1/ideas/{idea_id}/comments", rest)
    assert customer.get(f"/api/v1/ideas/{idea.id}").get_json()["comment_count"] == 3


def test_a_hidden_comment_shows_only_to_its_author_and_the_moderators(app, board, customer, pm_api):
    idea = make_idea(board)
    author = seasoned_user()
    comment = post_comment(author, idea, "Rude words")
    _db.session.get(Comment, comment.id).visibility = "hidden"
    _db.session.commit()
    assert customer.get(f"/api/v1/ideas/{idea.id}/comments").get_json()["data"] == []
    assert [
        c["visibility"] for c in token_client(app, author).get(f"/api/v1/ideas/{idea.id}/comments").get_json()["data"]
    ] == ["hidden"]
    assert len(pm_api.get(f"/api/v1/ideas/{idea.id}/comments").get_json()["data"]) == 1


def test_comment_refusals(app, board, customer):
    idea, elsewhere = make_idea(board), make_idea(board)
    foreign = post_comment(seasoned_user(), elsewhere, "On another idea")
    blank = customer.post(f"/api/v1/ideas/{idea.id}/comments", json={"body": "   "})
    assert blank.status_code == 422 and "body" in blank.get_json()["error"]["fields"]
    assert customer.post(f"/api/v1/ideas/{idea.id}/comments", json={"body": ""}).status_code == 422
    wrong_parent = customer.post(f"/api/v1/ideas/{idea.id}/comments", json={"body": "Hi", "parent_id": foreign.id})
    assert wrong_parent.status_code == 404
    blocked = seasoned_user()
    block(board.organisation.memberships[0].user, board, blocked)
    assert (
        token_client(app, blocked).post(f"/api/v1/ideas/{idea.id}/comments", json={"body": "Let me in"}).status_code
        == 403
    )


# ---- product managers: status, history, merge ---------------------------------------------------------


def test_a_product_manager_changes_the_status_with_an_official_response(board, customer, pm_api, document):
    idea = make_idea(board)
    response = pm_api.post(f"/api/v1/ideas/{idea.id}/status", json={"status": "planned", "message": "On the *Q3* plan"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "planned" and body["status_label"] == "Planned"
    assert body["official_response"] == "On the *Q3* plan"
    assert body["official_response_html"] == "<p>On the <em>Q3</em> plan</p>\n"
    assert_documented(document, "POST", "/api/v1/ideas/{idea_id}/status", response)
    delivered = pm_api.post(f"/api/v1/ideas/{idea.id}/status", json={"status": "delivered", "release_note": "Shipped"})
    assert delivered.get_json()["release_note"] == "Shipped"

    history = customer.get(f"/api/v1/ideas/{idea.id}/history")
    assert history.status_code == 200
    changes = history.get_json()["data"]
    assert [(c["from_status"], c["to_status"]) for c in changes] == [("open", "planned"), ("planned", "delivered")]
    assert (
        changes[0]["message"] == "On the *Q3* plan"
        and changes[0]["changed_by"]["id"] == board.organisation.memberships[0].user_id
    )
    assert_documented(document, "GET", "/api/v1/ideas/{idea_id}/history", history)

    unchanged = pm_api.post(f"/api/v1/ideas/{idea.id}/status", json={"status": "delivered"})
    assert unchanged.status_code == 422 and "status" in unchanged.get_json()["error"]["fields"]
    for bad in ({"status": "merged"}, {"status": "done"}, {"message": "no status"}):
        response = pm_api.post(f"/api/v1/ideas/{idea.id}/status", json=bad)
        assert response.status_code == 422 and "status" in response.get_json()["error"]["fields"]


def test_pm_operations_are_403_for_a_plain_member_and_404_for_outsiders(app, acme, board, customer):
    member = token_client(app, add_member(acme, seasoned_user(), "judge"))
    source, target = make_idea(board), make_idea(board)
    calls = [
        ("post", f"/api/v1/ideas/{source.id}/status", {"status": "planned"}),
        ("post", f"/api/v1/ideas/{source.id}/merge", {"target_id": target.id}),
    ]
    for method, url, payload in calls:
        refused = getattr(member, method)(url, json=payload)
        assert refused.status_code == 403, url
        assert refused.get_json()["error"]["message"] == "Only the organisation's product managers can do that."
        assert getattr(customer, method)(url, json=payload).status_code == 404, url
    assert customer.get(f"/api/v1/ideas/{source.id}").get_json()["status"] == "open"


def test_merging_moves_votes_without_counting_anyone_twice(app, board, pm_api, document):
    both, only_source, only_target = seasoned_user(), seasoned_user(), seasoned_user()
    source = make_idea(board, title="PDF export please")
    target = make_idea(board, title="Export dashboards to PDF")
    for user in (both, only_source):
        cast_vote(user, source, 1)
    for user in (both, only_target):
        cast_vote(user, target, 1)
    post_comment(only_source, source, "Needed for board meetings")

    response = pm_api.post(f"/api/v1/ideas/{source.id}/merge", json={"target_id": target.id})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["source"]["status"] == "merged" and body["source"]["merged_into_id"] == target.id
    assert body["source"]["upvotes"] == 0 and body["source"]["comment_count"] == 0
    assert (body["target"]["upvotes"], body["target"]["score"], body["target"]["comment_count"]) == (3, 3, 1)
    assert_documented(document, "POST", "/api/v1/ideas/{idea_id}/merge", response)
    assert _db.session.query(Vote).filter_by(idea_id=target.id).count() == 3
    assert token_client(app, both).get(f"/api/v1/ideas/{target.id}").get_json()["my_vote"] == 1
    assert pm_api.get(f"/api/v1/ideas/{source.id}").get_json()["merged_into_id"] == target.id

    again = pm_api.post(f"/api/v1/ideas/{source.id}/merge", json={"target_id": target.id})
    assert again.status_code == 409
    itself = pm_api.post(f"/api/v1/ideas/{target.id}/merge", json={"target_id": target.id})
    assert itself.status_code == 422 and "target_id" in itself.get_json()["error"]["fields"]
    missing = pm_api.post(f"/api/v1/ideas/{target.id}/merge", json={"target_id": 999999})
    assert missing.status_code == 404 and "target_id" in missing.get_json()["error"]["fields"]
    status_of_merged = pm_api.post(f"/api/v1/ideas/{source.id}/status", json={"status": "planned"})
    assert status_of_merged.status_code == 409


def test_a_private_target_is_not_a_merge_target_and_says_nothing_about_itself(app, acme, board, pm_api):
    elsewhere = make_board(make_org(slug="globex"), private=True)
    secret = make_idea(elsewhere, title="Globex secret idea")
    response = pm_api.post(f"/api/v1/ideas/{make_idea(board).id}/merge", json={"target_id": secret.id})
    assert response.status_code == 404 and "Globex" not in response.get_data(as_text=True)


# ---- private boards and authentication -----------------------------------------------------------

SECRET_TITLE = "Confidential pricing engine revamp"


@pytest.fixture
def private(acme):
    board = make_board(acme, name="Secret Roadmap", slug="secret", private=True, categories=("Pricing",))
    insider = seasoned_user()
    invite_to_board(board, insider)
    idea = make_idea(board, author=insider, title=SECRET_TITLE, body="Top secret body")
    post_comment(insider, idea, "Internal margin numbers")
    return board, idea, insider


def _api_routes(app, board, idea):
    """Every ideas and voting API route naming a board or an idea, filled in, with its methods."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("ideas_api", "voting_api"):
            continue
        if not {"board_id", "idea_id"} & set(rule.arguments):
            continue
        url = re.sub(
            r"<(?:[^:>]+:)?([^>]+)>", lambda m: str({"board_id": board.id, "idea_id": idea.id}[m[1]]), rule.rule
        )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url


# Bodies that would be valid for some route, and ones valid for none: the answer is 404 either way.
BODIES = [
    {"title": "A perfectly good title", "body": "x", "value": 1, "status": "planned", "target_id": 1},
    {"title": 5, "value": "lots"},
    None,
]


@pytest.mark.parametrize("who", ["outsider", "member_of_other_org", "unconfirmed_invitee"])
def test_a_private_board_answers_404_to_outsiders_on_every_route(app, private, who):
    board, idea, _ = private
    if who == "outsider":
        user = seasoned_user()
    elif who == "member_of_other_org":
        user = make_org().memberships[0].user
    else:
        user = make_user("late@example.com", verified=False)
        invite_to_board(board, user)
    client = token_client(app, user)
    routes = list(_api_routes(app, board, idea))
    assert len(routes) >= 14
    leaks = []
    for method, url in routes:
        for body in BODIES:
            response = (
                client.open(url, method=method, json=body)
                if body is not None
                else client.open(url, method=method, data="not json", content_type="text/plain")
            )
            text = response.get_data(as_text=True)
            if response.status_code != 404 or SECRET_TITLE in text or "Secret Roadmap" in text:
                leaks.append(f"{method} {url} {body} -> {response.status_code}")
            elif response.get_json()["error"]["code"] != "not_found":
                leaks.append(f"{method} {url}: not the API's error shape")
    assert leaks == []
    assert board.id not in [b["id"] for b in client.get("/api/v1/boards").get_json()["data"]]
    assert client.get(f"/api/v1/boards/{board.id}/ideas/similar?q=pricing").status_code == 404
    _db.session.refresh(idea)
    assert (idea.score, idea.comment_count, idea.status) == (0, 1, "open")


def test_without_credentials_every_route_is_401(app, private):
    board, idea, _ = private
    client = app.test_client()
    for method, url in [*_api_routes(app, board, idea), ("GET", "/api/v1/boards"), ("POST", "/api/v1/boards")]:
        response = client.open(url, method=method, json={})
        assert response.status_code == 401, (method, url)
        assert SECRET_TITLE not in response.get_data(as_text=True)


def test_insiders_see_the_private_board(app, private):
    board, idea, insider = private
    client = token_client(app, insider)
    assert [i["title"] for i in client.get(f"/api/v1/boards/{board.id}/ideas").get_json()["data"]] == [SECRET_TITLE]
    assert client.get(f"/api/v1/boards/{board.id}").get_json()["is_private"] is True
    assert client.put(f"/api/v1/ideas/{idea.id}/vote", json={"value": 1}).get_json()["upvotes"] == 1


# ---- cost and documentation ----------------------------------------------------------------------


def test_lists_cost_the_same_number_of_queries_whatever_their_length(app, board, customer):
    voter = customer.user
    for n in range(22):
        idea = make_idea(
            board, title=f"Idea number {n} for counting", tags=["a", f"t{n}"], category_id=board.categories[n % 2].id
        )
        cast_vote(voter, idea, 1)
        post_comment(seasoned_user(), idea, f"Comment {n}")
    target = _db.session.query(Idea).order_by(Idea.id).first()
    for n in range(20):
        post_comment(seasoned_user(), target, f"More {n}")

    def cost(url: str) -> int:
        customer.get(url)  # warm the app's caches, not the data's
        with count_queries(_db.engine) as statements:
            response = customer.get(url)
        assert response.status_code == 200
        return len(statements)

    few, many = cost(f"/api/v1/boards/{board.id}/ideas?limit=2"), cost(f"/api/v1/boards/{board.id}/ideas?limit=20")
    assert few == many, f"{few} queries for 2 ideas, {many} for 20"
    assert many <= 12
    assert cost(f"/api/v1/ideas/{target.id}/comments?limit=2") == cost(f"/api/v1/ideas/{target.id}/comments?limit=20")
    for _ in range(4):
        make_board(board.organisation, categories=("A", "B"))
    assert cost("/api/v1/boards?limit=2") == cost("/api/v1/boards?limit=20")


def test_the_document_describes_the_ideas_operations(document):
    paths = document["paths"]
    expected = {
        ("/api/v1/boards", "get"),
        ("/api/v1/boards", "post"),
        ("/api/v1/boards/{board_id}", "get"),
        ("/api/v1/boards/{board_id}/ideas", "get"),
        ("/api/v1/boards/{board_id}/ideas", "post"),
        ("/api/v1/boards/{board_id}/ideas/similar", "get"),
        ("/api/v1/ideas/{idea_id}", "get"),
        ("/api/v1/ideas/{idea_id}", "patch"),
        ("/api/v1/ideas/{idea_id}", "delete"),
        ("/api/v1/ideas/{idea_id}/comments", "get"),
        ("/api/v1/ideas/{idea_id}/comments", "post"),
        ("/api/v1/ideas/{idea_id}/status", "post"),
        ("/api/v1/ideas/{idea_id}/merge", "post"),
        ("/api/v1/ideas/{idea_id}/history", "get"),
    }
    assert expected <= {(path, method) for path, item in paths.items() for method in item}
    listing = paths["/api/v1/boards/{board_id}/ideas"]["get"]
    parameters = {p["name"]: p for p in listing["parameters"]}
    assert set(parameters) >= {"board_id", "sort", "status", "category", "tag", "q", "cursor", "limit"}
    assert parameters["sort"]["schema"]["enum"] == ["top", "hot", "trending", "new", "discussed", "confidence"]
    assert "newest first" in paths["/api/v1/ideas/{idea_id}/comments"]["get"]["description"]
    idea = document["components"]["schemas"]["IdeaOut"]
    assert set(idea["required"]) >= IDEA_FIELDS
    assert {"403", "404", "422"} <= set(paths["/api/v1/ideas/{idea_id}/status"]["post"]["responses"])
    assert paths["/api/v1/boards/{board_id}/ideas"]["post"]["responses"]["201"]
