"""`question.created` and `question.solved` reach a real receiver on loopback, signed, for visible
questions only: a question the spam filter holds is not announced, and a changed solution is not
a second `question.solved`."""

from __future__ import annotations

import json
from datetime import timedelta

from app.clock import utcnow
from app.extensions import db
from ideas.questions.services.answers import post_answer
from ideas.questions.services.questions import QuestionInput, ask_question
from ideas.questions.services.solutions import accept_solution, unaccept_solution
from tests.support.factories import make_board, make_user, seasoned_user
from tests.webhooks.conftest import add_endpoint, deliveries, verify


def test_a_question_asked_and_solved_is_delivered_signed(org, receiver):
    endpoint, secret = add_endpoint(org, receiver, events=["question.created", "question.solved"])
    board = make_board(org, name="Support", slug="support")
    asker, answerer = seasoned_user(name="Asha Asker"), seasoned_user(name="Ben Answerer")
    question = ask_question(asker, board, QuestionInput("How do I export my invoices as CSV?"))

    created = receiver.wait_for(1)[0]
    assert created.headers["X-Ideaforge-Event"] == "question.created"
    assert verify(secret, created.headers["X-Ideaforge-Signature"], created.body)
    payload = created.json()
    assert payload["type"] == "question.created" and payload["organisation"]["slug"] == "acme"
    assert payload["data"]["question"]["id"] == question.id
    assert payload["data"]["question"]["title"] == "How do I export my invoices as CSV?"
    assert payload["data"]["question"]["url"].endswith(f"/questions/{question.id}-{question.slug}")
    assert payload["data"]["board"]["url"].endswith("/boards/acme/support")

    first = post_answer(answerer, question, "Open Billing, choose Invoices, then Export as CSV.")
    second = post_answer(seasoned_user(), question, "The invoice list has an export button too.")
    accept_solution(asker, question, first)
    accept_solution(asker, question, second)  # a change of solution, not a new one
    unaccept_solution(asker, question)
    accept_solution(asker, question, first)  # solved again after being unsolved: announced again

    sent = deliveries(endpoint)
    assert [d.event_type for d in sent] == ["question.created", "question.solved", "question.solved"]
    solved = receiver.wait_for(3)[1].json()
    assert solved["type"] == "question.solved"
    assert solved["data"]["question"]["solved"] is True and solved["data"]["question"]["answer_count"] == 2
    assert solved["data"]["solution"]["id"] == first.id
    assert solved["data"]["solution"]["url"].endswith(f"#answer-{first.id}")
    assert "body" not in solved["data"]["question"] and "body" not in solved["data"]["solution"]


def test_a_question_held_for_moderation_is_not_announced(org, receiver):
    endpoint, _ = add_endpoint(org, receiver, events=["question.created"])
    board = make_board(org)
    newcomer = make_user(name="Brand New")
    newcomer.created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    held = ask_question(
        newcomer, board, QuestionInput("Cheap deals here http://a.example http://b.example http://c.example")
    )
    assert held.visibility != "visible"
    shown = ask_question(seasoned_user(), board, QuestionInput("A visible question for the endpoint?"))

    sent = deliveries(endpoint)
    assert [json.loads(d.payload)["data"]["question"]["id"] for d in sent] == [shown.id]


def test_only_endpoints_asking_for_question_events_get_them(org, receiver):
    ideas_only, _ = add_endpoint(org, receiver, events=["idea.created"], path="/ideas")
    questions, _ = add_endpoint(org, receiver, events=["question.created"], path="/questions")
    owner = org.memberships[0].user
    ask_question(owner, make_board(org, private=True), QuestionInput("Asked on a private board of the organisation?"))
    assert [d.event_type for d in deliveries(questions)] == ["question.created"]
    assert deliveries(ideas_only) == []
