"""A cheap first filter for spam from brand-new accounts: their posts that look like spam wait
for a moderator instead of going public. Pure functions, so the rules are easy to test."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

LINK = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
NEW_ACCOUNT_AGE = timedelta(days=2)
SPAM_WORDS = ("casino", "viagra", "crypto giveaway", "buy followers", "payday loan", "seo services")


def is_new_account(created_at: datetime, now: datetime) -> bool:
    return now - created_at < NEW_ACCOUNT_AGE


def spam_reason(text: str, recent_texts: list[str]) -> str | None:
    """Why `text` looks like spam, or None. `recent_texts` are the author's recent posts."""
    lowered = text.lower()
    if len(LINK.findall(text)) >= 2:
        return "several links"
    if LINK.search(text) and len(text) < 200:
        return "a short post that is mostly a link"
    if any(word in lowered for word in SPAM_WORDS):
        return "spam keywords"
    normalised = " ".join(lowered.split())
    if normalised and any(normalised == " ".join(t.lower().split()) for t in recent_texts):
        return "the same text posted again"
    words = normalised.split()
    if len(words) >= 12 and len(set(words)) / len(words) < 0.3:
        return "repeated text"
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 30 and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        return "shouting"
    return None
