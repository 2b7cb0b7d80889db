"""Full-text search over ideas behind one interface: SQLite FTS5 or PostgreSQL tsvector.

`matches(q)` gives a subquery of (id, rank) for ideas matching the words of `q`; lower rank
is the better match on both databases. User input never reaches the query syntax: only
word characters survive, each quoted (FTS5) or used as a prefix lexeme (tsquery).
"""

from __future__ import annotations

import re

from sqlalchemy import Float, Integer, text

from app.extensions import db
from ideas.search_schema import PG_DOCUMENT

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "could",
        "do",
        "for",
        "from",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "allow",
        "add",
        "make",
        "get",
        "use",
    ]
)
MAX_TERMS = 8


def terms(q: str) -> list[str]:
    words = [w for w in re.findall(r"\w+", (q or "").lower()) if len(w) >= 2 and w not in STOP_WORDS]
    unique = list(dict.fromkeys(words))
    return unique[:MAX_TERMS]


def matches(q: str, *, any_term: bool = False):
    """A subquery with columns `id` and `rank` of ideas matching `q` (all words, or any word for
    'similar ideas'), or None when `q` has no searchable word."""
    words = terms(q)
    if not words:
        return None
    if db.engine.dialect.name == "sqlite":
        query = (" OR " if any_term else " ").join(f'"{w}"*' for w in words)
        statement = text(
            "SELECT rowid AS id, bm25(ideas_fts, 2.0, 1.0) AS rank FROM ideas_fts WHERE ideas_fts MATCH :q"
        )
    else:
        query = (" | " if any_term else " & ").join(f"{w}:*" for w in words)
        statement = text(
            f"SELECT id, -ts_rank({PG_DOCUMENT}, to_tsquery('english', :q)) AS rank FROM ideas "
            f"WHERE {PG_DOCUMENT} @@ to_tsquery('english', :q)"
        )
    return statement.bindparams(q=query).columns(id=Integer, rank=Float).subquery("search")
