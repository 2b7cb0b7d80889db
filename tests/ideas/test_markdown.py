"""Markdown for user content: every hostile payload comes out as harmless HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from app.markdown import ALLOWED_TAGS, render_markdown
from tests.support.xss import PAYLOADS, TEMPLATE

DANGEROUS_TAGS = {
    "script",
    "img",
    "iframe",
    "svg",
    "style",
    "object",
    "embed",
    "form",
    "meta",
    "base",
    "math",
    "template",
    "noscript",
    "body",
    "details",
    "div",
}
SAFE_SCHEMES = {"", "http", "https", "mailto"}
# Browsers drop these from a URL before reading its scheme ("jav\tascript:" is "javascript:").
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\u200b-\u200d\ufeff]")


class Elements(HTMLParser):
    """Every start tag with its attributes, entities already decoded (as a browser sees them)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def scheme(url: str) -> str:
    return urlsplit(IGNORED_IN_SCHEME.sub("", url)).scheme.lower()


def test_the_corpus_is_large_enough_to_mean_something():
    assert len(PAYLOADS) >= 20
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_markdown_renders_harmless(payload):
    html = str(render_markdown(payload))
    lowered = html.lower()

    assert "<script" not in lowered
    for tag in ("<img", "<iframe", "<svg", "<style", "<object", "<embed", "<form", "<meta", "<base"):
        assert tag not in lowered, f"{tag} survived in {html!r}"
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS and tag not in DANGEROUS_TAGS, f"<{tag}> survived in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event attribute {name} survived in {html!r}"
            assert name in {"href", "title", "rel", "start", "align"}, f"attribute {name} survived in {html!r}"
            if name == "href":
                assert scheme(value or "") in SAFE_SCHEMES, f"unsafe link {value!r} in {html!r}"
                assert not re.match(r"\s*(javascript|data|vbscript):", IGNORED_IN_SCHEME.sub("", value or ""), re.I)


def test_links_that_survive_are_marked_untrusted():
    html = str(render_markdown("[docs](https://example.com/help) and <https://example.com/x>"))
    links = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert [a["href"] for a in links] == ["https://example.com/help", "https://example.com/x"]
    assert all(a["rel"] == "nofollow ugc noopener noreferrer" for a in links)


def test_text_that_looks_like_code_stays_text():
    html = str(render_markdown("Jinja {{7*7}} and <script>alert(1)</script>"))
    assert TEMPLATE in html and "49" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
