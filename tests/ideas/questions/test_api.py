"""Questions and answers in the JSON API, as clients with personal access tokens see them: asking,
answering, kudos and solutions; a private board's questions answer 404 to outsiders whatever the
request; invalid input answers 422 naming the field; lists page by cursor in a constant number of
statements."""

from __future__ import annotations

import jsonschema
import pytest

from app.extensions import db as _db
from ideas.questions.models import Question
from ideas.questions.services.questions import QuestionInput, ask_question
from tests.ideas.questions.conftest import answer, ask
from tests.support.factories import invite_to_board, make_board, make_user, seasoned_user, token_client
from tests.support.queries import count_queries


@pytest.fixture
def clients(app, community):
    return {name: token_client(app, getattr(community, name)) for name in ("asker", "answerer", "third", "pm")}


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def assert_documented(document, method: str, path: str, response) -> None:
    operation = document["paths"][path][method.lower()]
    declared = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    jsonschema.validate(
        response.get_json(), {**declared, "components": document["components"]}, cls=jsonschema.Draft202012Validator
    )


def test_ask_answer_kudos_accept_through_the_api(community, clients, document):
    board = community.board
    asked = clients["asker"].post(
        f"/api/v1/boards/{board.id}/questions",
        json={"title": "How do I   export invoices?", "body": "As *CSV*", "tags": ["Billing", "csv"]},
    )
    assert asked.status_code == 201, asked.get_json()
    assert_documented(document, "POST", "/api/v1/boards/{board_id}/questions", asked)
    question = asked.get_json()
    assert question["title"] == "How do I export invoices?" and question["tags"] == ["billing", "csv"]
    assert question["visibility"] == "visible" and question["solved"] is False
    assert "<em>CSV</em>" in question["body_html"] and f"/questions/{question['id']}-" in question["url"]

    qid = question["id"]
    posted = clients["answerer"].post(
        f"/api/v1/questions/{qid}/answers", json={"body": "Billing, then Invoices, then Export."}
    )
    assert posted.status_code == 201, posted.get_json()
    assert_documented(document, "POST", "/api/v1/questions/{question_id}/answers", posted)
    first = posted.get_json()
    assert first["is_official"] is False and first["kudos_count"] == 0
    official = clients["pm"].post(f"/api/v1/questions/{qid}/answers", json={"body": "We also have an export API."})
    assert official.get_json()["is_official"] is True

    aid = first["id"]
    given = clients["third"].put(f"/api/v1/answers/{aid}/kudos")
    assert given.status_code == 200 and given.get_json() == {"answer_id": aid, "kudos_count": 1, "my_kudos": True}
    assert clients["third"].put(f"/api/v1/answers/{aid}/kudos").get_json()["kudos_count"] == 1  # once each
    own = clients["answerer"].put(f"/api/v1/answers/{aid}/kudos")
    assert own.status_code == 422 and own.get_json()["error"]["message"] == "Kudos are for the answers of others."

    # Only the asker (or staff, or a high level) accepts.
    assert clients["third"].put(f"/api/v1/questions/{qid}/solution", json={"answer_id": aid}).status_code == 403
    accepted = clients["asker"].put(f"/api/v1/questions/{qid}/solution", json={"answer_id": aid})
    assert accepted.status_code == 200, accepted.get_json()
    assert_documented(document, "PUT", "/api/v1/questions/{question_id}/solution", accepted)

    shown = clients["third"].get(f"/api/v1/questions/{qid}")
    assert_documented(document, "GET", "/api/v1/questions/{question_id}", shown)
    detail = shown.get_json()
    assert detail["solved"] is True and detail["solution_answer_id"] == aid and detail["answer_count"] == 2
    assert [a["id"] for a in detail["answers"]][0] == aid and detail["answers"][0]["is_solution"] is True
    assert detail["answers"][0]["my_kudos"] is True and detail["can_answer"] is True and detail["can_accept"] is False

    taken = clients["third"].delete(f"/api/v1/answers/{aid}/kudos")
    assert taken.get_json() == {"answer_id": aid, "kudos_count": 0, "my_kudos": False}

    solved = clients["third"].get(f"/api/v1/boards/{board.id}/questions?view=solved").get_json()["data"]
    assert [q["id"] for q in solved] == [qid]
    unaccepted = clients["asker"].delete(f"/api/v1/questions/{qid}/solution")
    assert unaccepted.status_code == 200 and unaccepted.get_json()["solved"] is False
    assert clients["third"].get(f"/api/v1/boards/{board.id}/questions?view=solved").get_json()["data"] == []


def test_the_solution_comes_first_in_the_answers(community, clients):
    question = ask(community)
    early = answer(question, community.answerer)
    late = answer(question, community.third, "Or use the export button on the invoice list.")
    clients["asker"].put(f"/api/v1/questions/{question.id}/solution", json={"answer_id": late.id})
    answers = clients["answerer"].get(f"/api/v1/questions/{question.id}").get_json()["answers"]
    assert [a["id"] for a in answers] == [late.id, early.id]


def test_views_filter_and_pages_follow_the_cursor_in_constant_statements(app, community, clients):
    unanswered = [ask(community, f"Unanswered question number {n}?") for n in range(3)]
    answered = ask(community, "An answered question, not solved?")
    answer(answered, community.answerer)
    solved = ask(community, "A solved question about invoices?")
    clients["asker"].put(
        f"/api/v1/questions/{solved.id}/solution", json={"answer_id": answer(solved, community.answerer).id}
    )
    base = f"/api/v1/boards/{community.board.id}/questions"
    client = clients["third"]

    def ids(view: str) -> list[int]:
        return [q["id"] for q in client.get(f"{base}?view={view}").get_json()["data"]]

    assert ids("unanswered") == [q.id for q in reversed(unanswered)]
    assert ids("unsolved") == [answered.id] + [q.id for q in reversed(unanswered)]
    assert ids("solved") == [solved.id]

    seen, cursor, statements = [], None, []
    while True:
        with count_queries(_db.engine) as run:
            page = client.get(base, query_string={"limit": 2, **({"cursor": cursor} if cursor else {})}).get_json()
        statements.append(len(run))
        seen += [q["id"] for q in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    everything = [solved.id, answered.id] + [q.id for q in reversed(unanswered)]
    assert seen == everything and len(statements) == 3
    assert len(set(statements)) == 1, statements

    # A cursor belongs to its view.
    other = client.get(base, query_string={"limit": 2, "view": "newest"}).get_json()["next_cursor"]
    refused = client.get(base, query_string={"view": "unanswered", "cursor": other})
    assert refused.status_code == 422 and "cursor" in refused.get_json()["error"]["fields"]


def test_held_questions_are_left_out_of_lists_and_404_to_others(app, community, clients):
    held = ask(community, "A held question, waiting for review?")
    held.visibility = "pending"
    _db.session.commit()
    assert clients["third"].get(f"/api/v1/questions/{held.id}").status_code == 404
    assert clients["third"].post(f"/api/v1/questions/{held.id}/answers", json={"body": "x" * 20}).status_code == 404
    assert clients["asker"].get(f"/api/v1/questions/{held.id}").get_json()["visibility"] == "pending"
    assert clients["asker"].get(f"/api/v1/boards/{community.board.id}/questions").get_json()["data"] == []


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": "Too short"}, "title"),
        ({"title": "   short title padded    "[:8]}, "title"),
        ({"title": "A" * 161}, "title"),
        ({"title": "How do I export invoices?", "extra": 1}, "extra"),
        ({"title": "How do I export invoices?", "category_id": "1"}, "category_id"),
        ({"title": "How do I export invoices?", "tags": ["a", "b", "c", "d", "e", "f"]}, "tags"),
        ({"title": "How do I export invoices?", "body": "x" * 20_001}, "body"),
    ],
)
def test_invalid_questions_answer_422_naming_the_field(community, clients, body, field):
    response = clients["asker"].post(f"/api/v1/boards/{community.board.id}/questions", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]


def test_service_rules_answer_422_too(community, clients):
    other_board = make_board(community.org, categories=("Elsewhere",))
    elsewhere = other_board.categories[0].id
    response = clients["asker"].post(
        f"/api/v1/boards/{community.board.id}/questions",
        json={"title": "How do I export invoices?", "category_id": elsewhere},
    )
    assert response.status_code == 422 and "category_id" in response.get_json()["error"]["fields"]

    question = ask(community)
    for body in ("Thanks!", "   +1 +1 +1 +1 +1     ", "x" * 20_001):
        refused = clients["answerer"].post(f"/api/v1/questions/{question.id}/answers", json={"body": body})
        assert refused.status_code == 422 and "body" in refused.get_json()["error"]["fields"], body

    foreign = answer(ask(community, "Another question on the same board?"), community.answerer)
    for answer_id in (foreign.id, 999_999):
        wrong = clients["asker"].put(f"/api/v1/questions/{question.id}/solution", json={"answer_id": answer_id})
        assert wrong.status_code == 422 and "answer_id" in wrong.get_json()["error"]["fields"]
    bad = clients["asker"].put(f"/api/v1/questions/{question.id}/solution", json={"answer_id": "1"})
    assert bad.status_code == 422


def test_a_private_boards_questions_are_404_to_outsiders_whatever_the_request(app, community):
    board = make_board(community.org, name="Private", slug="private", private=True)
    insider = seasoned_user(name="Ivy Invited")
    invite_to_board(board, insider)
    question = ask_question(insider, board, QuestionInput("How do I export invoices privately?"))
    reply = answer(question, community.pm)
    outsider = token_client(app, seasoned_user(name="Otto Outsider"))
    for method, path, body in [
        ("get", f"/api/v1/boards/{board.id}/questions", None),
        ("get", f"/api/v1/boards/{board.id}/questions?view=nonsense", None),
        ("post", f"/api/v1/boards/{board.id}/questions", {"bad": True}),
        ("get", f"/api/v1/questions/{question.id}", None),
        ("post", f"/api/v1/questions/{question.id}/answers", {"body": ""}),
        ("put", f"/api/v1/questions/{question.id}/solution", {"answer_id": "x"}),
        ("delete", f"/api/v1/questions/{question.id}/solution", None),
        ("put", f"/api/v1/answers/{reply.id}/kudos", None),
        ("delete", f"/api/v1/answers/{reply.id}/kudos", None),
    ]:
        response = getattr(outsider, method)(path, json=body) if body is not None else getattr(outsider, method)(path)
        assert response.status_code == 404, (method, path, response.get_json())
    member = token_client(app, insider)
    assert member.get(f"/api/v1/questions/{question.id}").status_code == 200


def test_without_a_token_it_is_401_and_ids_beyond_range_are_404(app, community, client):
    question = ask(community)
    assert client.get(f"/api/v1/questions/{question.id}").status_code == 401
    api = token_client(app, make_user())
    for path in ("/api/v1/questions/99999999999", "/api/v1/boards/99999999999/questions"):
        assert api.get(path).status_code == 404
    assert api.put("/api/v1/answers/99999999999/kudos").status_code == 404
    assert _db.session.get(Question, question.id) is not None


def test_the_document_lists_the_question_operations(document):
    paths = document["paths"]
    assert set(paths["/api/v1/boards/{board_id}/questions"]) == {"get", "post"}
    assert set(paths["/api/v1/questions/{question_id}/solution"]) == {"put", "delete"}
    assert set(paths["/api/v1/answers/{answer_id}/kudos"]) == {"put", "delete"}
    view = next(p for p in paths["/api/v1/boards/{board_id}/questions"]["get"]["parameters"] if p["name"] == "view")
    assert set(view["schema"]["enum"]) == {"newest", "unanswered", "unsolved", "solved"}
