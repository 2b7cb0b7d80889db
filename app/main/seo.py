"""What crawlers read first: robots.txt and a sitemap of what an anonymous visitor may see.

The sitemap lists public boards' visible ideas (not held as spam, not hidden, not merged away) and
questions (likewise, and not deleted), most recently active first, one query per kind, streamed;
one sitemap holds at most 50,000 addresses (sitemaps.org), so past that the least active are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape

from flask import Response, stream_with_context, url_for
from sqlalchemy import select

from app.extensions import db
from app.main import bp
from app.urls import site_url
from ideas.models import Board, Idea, Status, Visibility
from ideas.questions.models import Question, question_slug

MAX_URLS = 50_000
BATCH = 1_000

# Pages that are personal, administrative or hold secrets: no crawler has business there.
DISALLOWED = (
    "/settings/",
    "/admin/",
    "/api/v1/tokens",
    "/api/v1/me",
    "/me/",
    "/notifications/",
    "/earnings",
    "/orgs/*/settings",
    "/orgs/*/billing",
    "/orgs/*/members",
    "/boards/*/*/settings",
)


@bp.get("/robots.txt")
def robots_txt():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "", f"Sitemap: {site_url('/sitemap.xml')}"]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


def _public_ideas(limit: int):
    return (
        select(Idea.id, Idea.last_activity_at)
        .join(Board, Board.id == Idea.board_id)
        .where(
            Board.is_private.is_(False),
            Idea.visibility == Visibility.VISIBLE,
            Idea.status != Status.MERGED,
            Idea.merged_into_id.is_(None),
        )
        .order_by(Idea.last_activity_at.desc(), Idea.id.desc())
        .limit(limit)
    )


def _public_questions(limit: int):
    return (
        select(Question.id, Question.title, Question.last_activity_at)
        .join(Board, Board.id == Question.board_id)
        .where(
            Board.is_private.is_(False),
            Question.visibility == Visibility.VISIBLE,
            Question.deleted_at.is_(None),
        )
        .order_by(Question.last_activity_at.desc(), Question.id.desc())
        .limit(limit)
    )


def _entry(path: str, lastmod) -> str:
    modified = f"<lastmod>{lastmod.isoformat(timespec='seconds')}</lastmod>" if lastmod else ""
    return f"<url><loc>{escape(site_url(path))}</loc>{modified}</url>\n"


def _rows(statement):
    return db.session.execute(statement.execution_options(yield_per=BATCH))


def _sitemap() -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    # The address shapes, built once: url_for per row would cost more than the query.
    idea_path = url_for("ideas.show", idea_id=0)[:-1]
    question_path = url_for("questions.show", question_id=0, slug="q")[: -len("0-q")]
    count = 0
    for idea_id, lastmod in _rows(_public_ideas(MAX_URLS)):
        count += 1
        yield _entry(f"{idea_path}{idea_id}", lastmod)
    if count < MAX_URLS:
        for question_id, title, lastmod in _rows(_public_questions(MAX_URLS - count)):
            yield _entry(f"{question_path}{question_id}-{question_slug(title)}", lastmod)
    yield "</urlset>\n"


@bp.get("/sitemap.xml")
def sitemap_xml():
    return Response(stream_with_context(_sitemap()), mimetype="application/xml")
