"""The Atom feed of a board's new questions: valid Atom with escaped content, newest first, only
visible questions, and 404 for a private board to outsiders, as the board itself."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.extensions import db
from ideas.questions.services.questions import QuestionInput, ask_question, delete_question
from tests.ideas.questions.conftest import ask
from tests.support.factories import login, make_board

NS = {"a": "http://www.w3.org/2005/Atom"}


def test_the_feed_lists_new_visible_questions_with_escaped_content(client, community):
    older = ask(community, "How do I export invoices as CSV?", body="Billing & <script>x</script> **bold**")
    newer = ask(community, "Ampersands & <angle> brackets in names?", tags=["names"])
    held = ask(community, "A question waiting for a moderator?")
    held.visibility = "pending"
    db.session.commit()
    gone = ask(community, "A question deleted by its asker?")
    delete_question(community.asker, gone)

    response = client.get("/boards/acme/support/questions/feed.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.data)
    assert root.find("a:title", NS).text == "New questions on Support"
    entries = root.findall("a:entry", NS)
    assert [e.find("a:title", NS).text for e in entries] == [newer.title, older.title]
    link = entries[1].find("a:link", NS).get("href")
    assert link == f"http://localhost/questions/{older.id}-{older.slug}"
    content = entries[1].find("a:content", NS).text
    assert "<strong>bold</strong>" in content and "<script>" not in content
    assert entries[0].find("a:author/a:name", NS).text == "Asha Asker"
    assert [c.get("term") for c in entries[0].findall("a:category", NS)] == ["names"]

    page = client.get("/boards/acme/support/questions").get_data(as_text=True)
    assert 'type="application/atom+xml"' in page and "/boards/acme/support/questions/feed.atom" in page


def test_an_empty_feed_is_valid_atom(client, community):
    root = ET.fromstring(client.get("/boards/acme/support/questions/feed.atom").data)
    assert root.findall("a:entry", NS) == [] and root.find("a:updated", NS).text


def test_a_private_boards_feed_is_404_to_outsiders(app, client, community):
    board = make_board(community.org, name="Private", slug="private", private=True)
    ask_question(community.pm, board, QuestionInput("A private question about the roadmap?"))
    assert client.get("/boards/acme/private/questions/feed.atom").status_code == 404
    login(client, community.third)
    assert client.get("/boards/acme/private/questions/feed.atom").status_code == 404
    member = app.test_client()
    login(member, community.pm)
    body = member.get("/boards/acme/private/questions/feed.atom").get_data(as_text=True)
    assert "A private question about the roadmap?" in body
