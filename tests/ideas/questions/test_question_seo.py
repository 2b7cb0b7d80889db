"""What search engines read on a question's page: title, description, canonical link, OpenGraph
tags and QAPage structured data on public boards; noindex and no structured data on private ones."""

from __future__ import annotations

import json
import re

from ideas.questions.services.kudos import give_kudos
from ideas.questions.services.questions import QuestionInput, ask_question
from ideas.questions.services.solutions import accept_solution
from tests.ideas.questions.conftest import answer, ask
from tests.support.factories import login, make_board

BODY = "The **Reports** page only offers PDF. " + "I need a spreadsheet for the accountant, every month. " * 6


def page_url(question) -> str:
    return f"/questions/{question.id}-{question.slug}"


def json_ld(page: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(block) for block in blocks]


def meta(page: str, attribute: str, name: str) -> str:
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
    assert found, f"no {attribute}={name} meta tag"
    return found.group(1)


def test_a_public_question_carries_qapage_data_for_search_engines(app, community):
    question = ask(community, body=BODY)
    early = answer(question, community.third, "Have you tried *logging out* and in again?")
    solution = answer(question, community.answerer)
    give_kudos(community.third, solution)
    accept_solution(community.asker, question, solution)

    response = app.test_client().get(page_url(question))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    canonical = app.config["BASE_URL"] + page_url(question)  # BASE_URL, whatever host asked

    assert "<title>How do I export my invoices as CSV? · " in page
    description = meta(page, "name", "description")
    assert description.startswith("The Reports page only offers PDF. I need a spreadsheet")
    assert len(description) <= 160 and "**" not in description
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert meta(page, "property", "og:type") == "article"
    assert meta(page, "property", "og:title") == "How do I export my invoices as CSV?"
    assert meta(page, "property", "og:url") == canonical
    assert meta(page, "property", "og:description") == description
    assert meta(page, "property", "og:site_name")
    assert 'name="robots"' not in page

    (data,) = json_ld(page)
    assert data["@context"] == "https://schema.org" and data["@type"] == "QAPage"
    entity = data["mainEntity"]
    assert entity["@type"] == "Question"
    assert entity["name"] == "How do I export my invoices as CSV?"
    assert entity["text"].startswith("The Reports page only offers PDF.")
    assert entity["answerCount"] == 2
    assert entity["author"] == {"@type": "Person", "name": "Asha Asker"}
    assert entity["dateCreated"].startswith(str(question.created_at.year))
    accepted = entity["acceptedAnswer"]
    assert accepted["@type"] == "Answer"
    assert accepted["text"] == "Open Billing, choose Invoices, then Export as CSV."
    assert accepted["author"] == {"@type": "Person", "name": "Ben Answerer"}
    assert accepted["upvoteCount"] == 1
    assert accepted["url"] == f"{canonical}#answer-{solution.id}"
    assert accepted["dateCreated"]
    (suggested,) = entity["suggestedAnswer"]
    assert suggested["text"] == "Have you tried logging out and in again?"
    assert suggested["upvoteCount"] == 0 and suggested["author"]["name"] == "Cleo Third"
    assert suggested["url"].endswith(f"#answer-{early.id}") and suggested["dateCreated"]


def test_markup_in_a_question_cannot_break_out_of_the_data_block(app, community):
    question = ask(community, title="Why does </script><b>x</b> show?", body="<script>alert(1)</script> & more")
    page = app.test_client().get(page_url(question)).get_data(as_text=True)
    (data,) = json_ld(page)
    assert data["mainEntity"]["name"] == "Why does </script><b>x</b> show?"
    assert "<script>alert" not in page


def test_an_unanswered_question_has_no_answers_in_its_data(app, community):
    question = ask(community, body="Short.")
    page = app.test_client().get(page_url(question)).get_data(as_text=True)
    (data,) = json_ld(page)
    assert data["mainEntity"]["answerCount"] == 0
    assert "acceptedAnswer" not in data["mainEntity"] and "suggestedAnswer" not in data["mainEntity"]
    assert meta(page, "name", "description") == "Short."


def test_a_private_boards_question_is_noindex_without_structured_data(app, community):
    board = make_board(community.org, name="Partners", slug="partners", private=True)
    question = ask_question(community.pm, board, QuestionInput("Where is the partner price list?", body="Secret."))
    client = app.test_client()
    assert client.get(page_url(question)).status_code == 404
    login(client, community.pm)
    page = client.get(page_url(question)).get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in page
    assert json_ld(page) == []
    assert 'property="og:' not in page and 'rel="canonical"' not in page


def test_a_private_boards_idea_is_noindex_and_a_public_one_canonical(app, community):
    from tests.support.factories import make_idea

    public = make_idea(community.board, title="Export invoices as CSV")
    private = make_idea(make_board(community.org, slug="inner", private=True), title="Partner pricing")
    client = app.test_client()
    page = client.get(f"/ideas/{public.id}").get_data(as_text=True)
    assert f'<link rel="canonical" href="{app.config["BASE_URL"]}/ideas/{public.id}">' in page
    assert 'name="robots"' not in page
    login(client, community.pm)
    page = client.get(f"/ideas/{private.id}").get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in page and 'rel="canonical"' not in page
