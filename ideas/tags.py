"""Category, tags and the edit window: what ideas and questions share on a board."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from app.extensions import db
from ideas.models import Category, Tag

MAX_TAGS = 5
TAG_RE = re.compile(r"[^a-z0-9+#.-]+")
# Authors may change what they posted for this long (moderators and product managers always).
EDIT_WINDOW = timedelta(minutes=30)


def parse_tags(raw) -> list[str]:
    """Tags from a list or a comma-separated string: lower case, letters, digits and - + # ."""
    if isinstance(raw, str):
        raw = raw.split(",")
    result = []
    for item in raw or []:
        tag = TAG_RE.sub("-", (item or "").strip().lower()).strip("-.")[:40]
        if tag and tag not in result:
            result.append(tag)
    return result


def too_many(tags: list[str]) -> list[str] | None:
    """The field error for a list of tags longer than allowed, or None."""
    return [f"Use at most {MAX_TAGS} tags."] if len(tags) > MAX_TAGS else None


def check_filing(board_id: int, category_id: int | None, raw_tags, errors: dict[str, list[str]]):
    """The category (one of the board's, or None) and the cleaned tags of a post, adding to
    `errors` what is wrong with them."""
    category_id = category_id or None
    if category_id is not None and (
        db.session.scalar(select(Category.id).where(Category.id == category_id, Category.board_id == board_id)) is None
    ):
        errors["category_id"] = ["Choose one of this board's categories."]
    tags = parse_tags(raw_tags)
    if too_many(tags):
        errors["tags"] = too_many(tags)
    return category_id, tags


def board_tags(board_id: int, names: list[str]) -> list[Tag]:
    """The board's Tag rows for `names`, created when new (a concurrent post creating the same
    tag a moment earlier is found instead, by the unique constraint)."""
    tags = []
    for name in names:
        tag = db.session.scalar(select(Tag).where(Tag.board_id == board_id, Tag.name == name))
        if tag is None:
            try:
                with db.session.begin_nested():
                    tag = Tag(board_id=board_id, name=name)
                    db.session.add(tag)
            except IntegrityError:
                tag = db.session.scalar(select(Tag).where(Tag.board_id == board_id, Tag.name == name))
        tags.append(tag)
    return tags


def within_edit_window(created_at: datetime, now: datetime | None = None) -> bool:
    return (now or utcnow()) - created_at <= EDIT_WINDOW
