"""Peer support in the browser: a customer asks, another answers, a third gives kudos (in place,
with htmx), the asker accepts, and the solution shows first under the question."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in_as
from tests.support import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLE = "How do I export my invoices as CSV?"
EARLY = "Have you tried logging out and in again?"
SOLUTION = "Open Billing, choose Invoices, then Export as CSV at the top right."


def test_ask_answer_kudos_accept(new_page, live_server, db):
    board = factories.make_board(factories.make_org(slug="acme"), name="Support", slug="support")
    asker, answerer, third = (factories.seasoned_user(name=n) for n in ("Asha Asker", "Ben Answerer", "Cleo Third"))

    asking = new_page()
    sign_in_as(asking, live_server, asker)
    asking.goto(f"/boards/acme/{board.slug}")
    asking.get_by_role("link", name="Questions", exact=True).click()
    asking.get_by_role("link", name="Ask a question").click()
    asking.get_by_label("Your question").fill(TITLE)
    asking.get_by_label("Details").fill("The *Reports* page only offers PDF.")
    asking.get_by_role("button", name="Post question").click()
    expect(asking.get_by_role("heading", level=1)).to_have_text(TITLE)
    question_url = asking.url
    assert "/questions/" in question_url and question_url.endswith("-how-do-i-export-my-invoices-as-csv")

    answering = new_page()
    sign_in_as(answering, live_server, answerer)
    answering.goto(question_url)
    answering.get_by_label("Your answer").fill(EARLY)
    answering.get_by_role("button", name="Post answer").click()
    answering.get_by_label("Your answer").fill(SOLUTION)
    answering.get_by_role("button", name="Post answer").click()
    expect(answering.locator("#answers-title")).to_have_text("2 answers")

    thanking = new_page()
    sign_in_as(thanking, live_server, third)
    thanking.goto(question_url)
    solution = thanking.locator("article.answer").filter(has_text=SOLUTION)
    solution.get_by_role("button", name="Kudos 0").click()
    expect(solution.get_by_role("button", name="Kudos 1")).to_have_attribute("aria-pressed", "true")
    thanking.reload()
    expect(
        thanking.locator("article.answer").filter(has_text=SOLUTION).get_by_role("button", name="Kudos 1")
    ).to_be_visible()
    expect(thanking.get_by_role("button", name="Accept as the solution")).to_have_count(0)

    asking.reload()
    asking.locator("article.answer").filter(has_text=SOLUTION).get_by_role(
        "button", name="Accept as the solution"
    ).click()
    expect(asking.get_by_text("Marked as the solution")).to_be_visible()

    visitor = new_page()
    visitor.goto(question_url)
    first = visitor.locator("article.answer").first
    expect(first).to_contain_text(SOLUTION)
    expect(first).to_contain_text("Accepted solution")
    visitor.goto(f"/boards/acme/{board.slug}/questions?view=solved")
    expect(visitor.get_by_role("link", name=TITLE)).to_be_visible()


def test_a_public_question_page_carries_its_structured_data_without_a_csp_violation(page, live_server, db):
    import json

    from ideas.questions.services.answers import post_answer
    from ideas.questions.services.questions import QuestionInput, ask_question
    from ideas.questions.services.solutions import accept_solution

    board = factories.make_board(factories.make_org(slug="acme"), name="Support", slug="support")
    asker, answerer = (factories.seasoned_user(name=n) for n in ("Asha Asker", "Ben Answerer"))
    question = ask_question(asker, board, QuestionInput(TITLE, body="The *Reports* page only offers PDF."))
    post_answer(answerer, question, EARLY)
    accept_solution(asker, question, post_answer(answerer, question, SOLUTION))

    page.goto(f"/questions/{question.id}-{question.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page).to_have_title(f"{TITLE} · Ideaforge")
    blocks = page.locator('script[type="application/ld+json"]')
    expect(blocks).to_have_count(1)
    data = json.loads(blocks.text_content())
    assert data["@type"] == "QAPage" and data["mainEntity"]["answerCount"] == 2
    assert data["mainEntity"]["acceptedAnswer"]["text"] == SOLUTION
    assert (
        page.locator('link[rel="canonical"]')
        .get_attribute("href")
        .endswith(f"/questions/{question.id}-{question.slug}")
    )
    # The page fixture fails the test on any CSP violation or console error it saw.
