"""robots.txt and sitemap.xml: only what an anonymous visitor may see, never a private board."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.clock import utcnow
from ideas.models import Status, Visibility
from ideas.questions.services.questions import QuestionInput, ask_question
from tests.support.factories import make_board, make_idea, make_org, seasoned_user

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_urls(app) -> dict[str, str]:
    response = app.test_client().get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.get_data())
    return {url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS) for url in root}


def test_the_sitemap_lists_public_ideas_and_questions_only(app, db):
    org = make_org(slug="acme")
    public, private = make_board(org, slug="support"), make_board(org, slug="inner", private=True)
    asker = seasoned_user(name="Asha Asker")
    base = app.config["BASE_URL"]

    idea = make_idea(public, title="Export invoices as CSV")
    held, merged = make_idea(public, title="Held idea"), make_idea(public, title="Merged idea")
    secret_idea = make_idea(private, title="Partner pricing")
    question = ask_question(asker, public, QuestionInput("How do I export my invoices as CSV?"))
    gone = ask_question(asker, public, QuestionInput("A question deleted since"))
    pending = ask_question(asker, public, QuestionInput("A question held for a moderator"))
    secret = ask_question(org.memberships[0].user, private, QuestionInput("Where is the partner price list?"))
    held.visibility = Visibility.PENDING
    merged.status, merged.merged_into_id = Status.MERGED, idea.id
    gone.deleted_at = utcnow()
    pending.visibility = Visibility.PENDING
    db.session.commit()

    urls = sitemap_urls(app)
    assert set(urls) == {f"{base}/ideas/{idea.id}", f"{base}/questions/{question.id}-{question.slug}"}
    assert all(lastmod and lastmod.startswith(str(utcnow().year)) for lastmod in urls.values())
    text = app.test_client().get("/sitemap.xml").get_data(as_text=True)
    for hidden in (held, merged, secret_idea):
        assert f"/ideas/{hidden.id}<" not in text
    for hidden in (gone, pending, secret):
        assert f"/questions/{hidden.id}-" not in text


def test_the_sitemap_takes_one_query_per_kind(app, db):
    from sqlalchemy import event

    org = make_org(slug="acme")
    board = make_board(org, slug="support")
    for n in range(5):
        make_idea(board, title=f"Idea number {n}")
        ask_question(seasoned_user(name=f"Asker {n}"), board, QuestionInput(f"Question number {n}?"))
    statements = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2])
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert len(sitemap_urls(app)) == 10
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT") and ("ideas" in s or "questions" in s)]
    assert len(selects) == 2, selects


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_settings(app):
    response = app.test_client().get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert f"Sitemap: {app.config['BASE_URL']}/sitemap.xml" in text.splitlines()
    for path in ("/settings/", "/admin/", "/api/v1/tokens"):
        assert f"Disallow: {path}" in text.splitlines()
