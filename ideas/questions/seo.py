"""What search engines read on a public question's page: its description and schema.org QAPage
structured data (https://schema.org/QAPage, as Google documents for Q&A pages).

Only what an anonymous visitor may see goes in: visible answers that are not deleted.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from app.markdown import render_markdown
from ideas.models import Visibility
from ideas.questions.models import Answer, Question

DESCRIPTION_LENGTH = 160


def plain_text(markdown: str) -> str:
    """The words of a Markdown text, without markup, on one line."""
    return " ".join(Markup(str(render_markdown(markdown or ""))).striptags().split())


def description(question: Question) -> str:
    text = plain_text(question.body) or question.title
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    cut = text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


def is_indexable(question: Question) -> bool:
    """A question a search engine may list: on a public board, visible and not deleted."""
    return not question.board.is_private and question.visibility == Visibility.VISIBLE and not question.is_deleted


def _person(user) -> dict:
    return {"@type": "Person", "name": user.display_name if user is not None else "Former member"}


def _answer(answer: Answer, url: str) -> dict:
    return {
        "@type": "Answer",
        "text": plain_text(answer.body),
        "dateCreated": answer.created_at.isoformat(),
        "upvoteCount": answer.kudos_count,
        "url": url,
        "author": _person(answer.author),
    }


def qa_page(question: Question, answers: list[Answer], url: str, answer_url: Callable[[Answer], str]) -> dict:
    """The QAPage JSON-LD of a question with the answers shown on its page (others are dropped)."""
    public = [a for a in answers if a.visibility == Visibility.VISIBLE and not a.is_deleted]
    entity = {
        "@type": "Question",
        "name": question.title,
        "text": plain_text(question.body) or question.title,
        "answerCount": len(public),
        "dateCreated": question.created_at.isoformat(),
        "author": _person(question.author),
        "url": url,
    }
    accepted = [a for a in public if a.id == question.solution_answer_id]
    if accepted:
        entity["acceptedAnswer"] = _answer(accepted[0], answer_url(accepted[0]))
    suggested = [_answer(a, answer_url(a)) for a in public if a.id != question.solution_answer_id]
    if suggested:
        entity["suggestedAnswer"] = suggested
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": entity}
