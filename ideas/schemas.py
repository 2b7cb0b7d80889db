"""The JSON shapes of boards, ideas, comments and status changes in the API (`ideas/api.py`).

Inputs are strict (a number is not a string, `true` is not 1) and say in their schema what the
services will refuse where a schema can say it cheaply, so a client learns the rules from the
OpenAPI document (`app/api/fields.py`). NUL characters are dropped from every text input: no database column stores
them (PostgreSQL refuses them outright).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from annotated_types import Interval
from flask import url_for
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.api.fields import text, trimmed_text
from app.api.pagination import Page, PageQuery
from app.markdown import render_markdown
from ideas.models import Board, Category, Comment, Idea, Status, StatusChange
from ideas.ranking import SORTS

MAX_ID = 2**31 - 1  # the largest id a database integer column holds
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _whole_number(value):
    """JSON Schema counts 3.0 as an integer; strict pydantic would not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def whole_number(low: int, high: int):
    """An integer from `low` to `high`; 3.0 counts. (Constraints before the validator, so
    that the JSON schema shows them as minimum and maximum.)"""
    return Annotated[int, Interval(ge=low, le=high), BeforeValidator(_whole_number)]


Id = whole_number(1, MAX_ID)


IdeaStatus = Literal["open", "under_review", "planned", "in_progress", "delivered", "declined", "merged"]
SettableStatus = Literal["open", "under_review", "planned", "in_progress", "delivered", "declined"]
Sort = Literal["top", "hot", "trending", "new", "discussed", "confidence"]
assert set(IdeaStatus.__args__) == set(Status.LABELS) and set(SettableStatus.__args__) == set(Status.SETTABLE)
assert set(Sort.__args__) == set(SORTS)


class StrictInput(BaseModel):
    """Request bodies: unknown fields and loosely typed values are refused (422)."""

    model_config = ConfigDict(extra="forbid", strict=True)


# ---- shared pieces -----------------------------------------------------------------------------


class UserRef(BaseModel):
    id: int
    display_name: str


def user_ref(user) -> UserRef | None:
    return UserRef(id=user.id, display_name=user.display_name) if user is not None else None


class OrganisationSummary(BaseModel):
    id: int
    slug: str
    name: str


class CategoryOut(BaseModel):
    id: int
    name: str
    slug: str = Field(description="Filter a board's ideas by it with `?category=`.")


def category_out(category: Category | None) -> CategoryOut | None:
    if category is None:
        return None
    return CategoryOut(id=category.id, name=category.name, slug=category.slug)


# ---- boards ------------------------------------------------------------------------------------


class BoardOut(BaseModel):
    id: int
    organisation: OrganisationSummary
    name: str
    slug: str
    description: str = Field(description="Markdown source.")
    is_private: bool = Field(description="Only the organisation's members and invited customers see it.")
    allow_downvotes: bool
    vote_budget: int | None = Field(description="Active votes each member may hold here; null for unlimited.")
    idea_count: int = Field(description="Visible ideas on the board.")
    categories: list[CategoryOut]
    created_at: datetime
    url: str = Field(description="The board's page on the site.")


class BoardDetail(BoardOut):
    remaining_votes: int | None = Field(description="Votes you have left here; null without a vote budget.")
    can_participate: bool = Field(description="Whether you may post, comment and vote here.")
    can_manage: bool = Field(description="Whether you are one of its product managers.")


def _board_fields(board: Board) -> dict:
    organisation = board.organisation
    return dict(
        id=board.id,
        name=board.name,
        slug=board.slug,
        description=board.description or "",
        organisation=OrganisationSummary(id=organisation.id, slug=organisation.slug, name=organisation.name),
        is_private=board.is_private,
        allow_downvotes=board.allow_downvotes,
        vote_budget=board.vote_budget,
        idea_count=board.idea_count,
        categories=[category_out(c) for c in board.categories],
        created_at=board.created_at,
        url=url_for("ideas.board", org_slug=organisation.slug, board_slug=board.slug, _external=True),
    )


def board_out(board: Board) -> BoardOut:
    return BoardOut(**_board_fields(board))


def board_detail(board: Board, *, remaining_votes: int | None, can_participate: bool, can_manage: bool) -> BoardDetail:
    return BoardDetail(
        **_board_fields(board), remaining_votes=remaining_votes, can_participate=can_participate, can_manage=can_manage
    )


class BoardPage(Page[BoardOut]):
    pass


class BoardQuery(PageQuery):
    organisation: text(max_length=64) | None = Field(
        default=None, description="Only this organisation's boards (its slug)."
    )


class BoardCreate(StrictInput):
    organisation: Id | text(min_length=1, max_length=64) = Field(
        description="The organisation: its id (a number) or its slug (a string). "
        "You need the product manager role there."
    )
    name: trimmed_text(2, 120) = Field(description="2 to 120 characters, not counting spaces at either end.")
    slug: str = Field(
        min_length=2,
        max_length=64,
        pattern=SLUG,
        description="The board's address under the organisation: lower-case letters, digits "
        "and single dashes. Unique within the organisation (409 if taken).",
    )
    description: text(max_length=5000) = Field(default="", description="Markdown.")
    is_private: bool = False
    allow_downvotes: bool = False
    vote_budget: whole_number(1, 1000) | None = Field(
        default=None, description="Active votes each member may hold; null for unlimited."
    )
    categories: list[text(max_length=60)] = Field(
        default_factory=list,
        max_length=50,
        description="Category names; duplicates and names without letters or digits are left out.",
    )


# ---- ideas -------------------------------------------------------------------------------------


class IdeaOut(BaseModel):
    id: int
    board_id: int
    title: str
    body: str = Field(description="Markdown source.")
    body_html: str = Field(description="The body rendered to sanitised HTML.")
    status: IdeaStatus
    status_label: str
    visibility: Literal["visible", "pending", "hidden"] = Field(
        description="`pending` waits for a moderator and `hidden` was removed by one; only the author "
        "and the moderators see such an idea."
    )
    upvotes: int
    downvotes: int
    score: int = Field(description="upvotes - downvotes.")
    comment_count: int
    follower_count: int
    my_vote: Literal[-1, 0, 1] = Field(description="Your vote on it: 1, -1, or 0 for none.")
    created_at: datetime
    edited_at: datetime | None
    author: UserRef | None = Field(description="Null when the account was deleted.")
    category: CategoryOut | None
    tags: list[str]
    merged_into_id: int | None = Field(description="Set when the idea was merged into another (status `merged`).")
    official_response: str | None = Field(description="The product managers' latest answer, Markdown source.")
    official_response_html: str | None
    release_note: str | None
    url: str = Field(description="The idea's page on the site.")


def idea_out(idea: Idea, my_vote: int = 0) -> IdeaOut:
    """The idea as JSON. Reads `author`, `category` and `tags`: eager-load them for lists."""
    return IdeaOut(
        id=idea.id,
        board_id=idea.board_id,
        title=idea.title,
        body=idea.body or "",
        body_html=str(render_markdown(idea.body)),
        status=idea.status,
        status_label=idea.status_label,
        visibility=idea.visibility,
        upvotes=idea.upvotes,
        downvotes=idea.downvotes,
        score=idea.score,
        comment_count=idea.comment_count,
        follower_count=idea.follower_count,
        my_vote=my_vote,
        created_at=idea.created_at,
        edited_at=idea.edited_at,
        author=user_ref(idea.author),
        category=category_out(idea.category),
        tags=[tag.name for tag in idea.tags],
        merged_into_id=idea.merged_into_id,
        official_response=idea.official_response,
        official_response_html=str(render_markdown(idea.official_response)) if idea.official_response else None,
        release_note=idea.release_note,
        url=url_for("ideas.show", idea_id=idea.id, _external=True),
    )


class IdeaPage(Page[IdeaOut]):
    pass


class IdeaSummary(BaseModel):
    """An idea in short, for 'is it already here?' suggestions."""

    id: int
    board_id: int
    title: str
    status: IdeaStatus
    score: int
    comment_count: int
    url: str


def idea_summary(idea: Idea) -> IdeaSummary:
    return IdeaSummary(
        id=idea.id,
        board_id=idea.board_id,
        title=idea.title,
        status=idea.status,
        score=idea.score,
        comment_count=idea.comment_count,
        url=url_for("ideas.show", idea_id=idea.id, _external=True),
    )


class SimilarIdeas(BaseModel):
    data: list[IdeaSummary] = Field(max_length=5, description="Best match first; at most 5.")


class IdeaListQuery(PageQuery):
    sort: Sort = Field(
        default="top",
        description=(
            "top: most net votes; hot: votes, newer ideas favoured; trending: most votes and comments in "
            "the last days; new: newest first; discussed: most comments; confidence: best share of up-votes."
        ),
    )
    status: IdeaStatus | None = Field(
        default=None, description="Only ideas with this status. Without it, every status but `merged`."
    )
    category: text(max_length=64) | None = Field(default=None, description="A category slug.")
    tag: text(max_length=40) | None = None
    q: text(max_length=200) | None = Field(
        default=None, description="Search words; an idea matches when it has them all."
    )


class SimilarQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    q: text(max_length=200) = Field(description="What the new idea is about, e.g. its title.")


Title = Annotated[
    trimmed_text(8, 160),
    Field(description="8 to 160 characters, not counting white space at either end; runs of white space count as one."),
]
IdeaBody = Annotated[text(max_length=20_000), Field(description="Markdown.")]
Tags = Annotated[
    list[text(max_length=40)],
    Field(
        max_length=5,
        description="Up to 5; lower-cased, other characters than letters, digits and `-+#.` become dashes.",
    ),
]


class IdeaCreate(StrictInput):
    title: Title
    body: IdeaBody = ""
    category_id: Id | None = Field(default=None, description="One of the board's categories.")
    tags: Tags = Field(default_factory=list)


class IdeaUpdate(StrictInput):
    """Fields left out stay as they are; `category_id: null` removes the category."""

    title: Title | None = None
    body: IdeaBody | None = None
    category_id: Id | None = Field(default=None, description="One of the board's categories; null removes it.")
    tags: Tags | None = None


# ---- comments ----------------------------------------------------------------------------------


class CommentOut(BaseModel):
    id: int
    idea_id: int
    parent_id: int | None = Field(description="The top-level comment this one answers; replies are one level deep.")
    author: UserRef | None
    body: str = Field(description="Markdown source; empty once deleted.")
    body_html: str
    visibility: Literal["visible", "pending", "hidden"]
    created_at: datetime
    edited_at: datetime | None
    deleted: bool = Field(description="Deleted comments stay as tombstones so their replies keep their place.")
    accepted: bool = Field(description="Marked as the accepted answer by a product manager.")


def comment_out(comment: Comment) -> CommentOut:
    return CommentOut(
        id=comment.id,
        idea_id=comment.idea_id,
        parent_id=comment.parent_id,
        author=user_ref(comment.author),
        body=comment.body or "",
        body_html=str(render_markdown(comment.body)) if comment.body else "",
        visibility=comment.visibility,
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        deleted=comment.is_deleted,
        accepted=comment.accepted_at is not None,
    )


class CommentPage(Page[CommentOut]):
    pass


class CommentCreate(StrictInput):
    body: trimmed_text(1, 10_000) = Field(description="Markdown; not only white space.")
    parent_id: Id | None = Field(default=None, description="The comment you answer, on the same idea.")


# ---- product managers: status and merging ---------------------------------------------------------


class StatusChangeIn(StrictInput):
    status: SettableStatus = Field(
        description="`merged` is set by merging only. The idea's current status again needs a message or a "
        "release note: it answers the voters without changing the status."
    )
    message: text(max_length=10_000) = Field(
        default="",
        description=(
            "Becomes the idea's official response; told to followers and voters. Needed when the status "
            "does not change."
        ),
    )
    release_note: text(max_length=10_000) = Field(
        default="", description="For the changelog, when the status is `delivered`."
    )


class StatusChangeOut(BaseModel):
    id: int
    from_status: IdeaStatus
    to_status: IdeaStatus
    message: str
    changed_by: UserRef | None
    created_at: datetime


def status_change_out(change: StatusChange) -> StatusChangeOut:
    return StatusChangeOut(
        id=change.id,
        from_status=change.from_status,
        to_status=change.to_status,
        message=change.message or "",
        changed_by=user_ref(change.changed_by),
        created_at=change.created_at,
    )


class StatusHistory(BaseModel):
    data: list[StatusChangeOut] = Field(description="Oldest first.")


class MergeIn(StrictInput):
    target_id: Id = Field(description="The idea to keep: another idea, on the same board.")


class MergeOut(BaseModel):
    source: IdeaOut = Field(description="The merged idea, now with status `merged`.")
    target: IdeaOut = Field(description="The idea kept, with the source's voters, followers and comments.")
