"""Markdown for user content: markdown-it-py with raw HTML off, then nh3 as a second wall.

Images are not rendered (the CSP allows only this site's images, and remote images track
readers); links get rel="nofollow ugc noopener noreferrer" and only safe schemes survive.
"""

from __future__ import annotations

import html
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["table", "strikethrough"]).disable("image")

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=512)
def render_markdown(source: str | None) -> Markup:
    """Safe HTML for `source`; whatever the input, no script, style or event handler survives.
    The same text renders the same way, so board descriptions and official responses shown on
    every page are parsed once per process (the cache is bounded)."""
    rendered = _md.render(source or "")
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener noreferrer",
    )
    return Markup(cleaned)


def plain_excerpt(source: str | None, length: int = 200) -> str:
    """Text without markup, for lists and feeds."""
    text = nh3.clean(_md.render(source or ""), tags=set())
    text = " ".join(text.split())
    text = html.unescape(text)
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"
