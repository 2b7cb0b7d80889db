"""Boards, ideas, comments, statuses, follows, tags and edit history.

An idea's counters (upvotes, downvotes, score, comment_count, follower_count) are kept on the row
and changed with atomic UPDATEs in the same transaction as the vote or comment that moves them,
so lists read indexed columns instead of counting.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.clock import utcnow
from app.db_types import UTCDateTime
from app.extensions import db
from app.orgs.models import Organisation


class Status:
    OPEN = "open"
    UNDER_REVIEW = "under_review"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    DECLINED = "declined"
    MERGED = "merged"

    LABELS = {
        OPEN: "Open",
        UNDER_REVIEW: "Under review",
        PLANNED: "Planned",
        IN_PROGRESS: "In progress",
        DELIVERED: "Delivered",
        DECLINED: "Declined",
        MERGED: "Merged",
    }
    # Product managers choose among these; Merged is set only by merging.
    SETTABLE = (OPEN, UNDER_REVIEW, PLANNED, IN_PROGRESS, DELIVERED, DECLINED)
    # Voting is closed on these.
    CLOSED = (DELIVERED, DECLINED, MERGED)
    ROADMAP = (PLANNED, IN_PROGRESS, DELIVERED)


class Visibility:
    """Moderation state of an idea or comment."""

    VISIBLE = "visible"
    PENDING = "pending"  # waits for a moderator (looked like spam from a new account)
    HIDDEN = "hidden"  # hidden by a moderator


class Board(db.Model):
    __tablename__ = "boards"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    is_private: Mapped[bool] = mapped_column(default=False)
    allow_downvotes: Mapped[bool] = mapped_column(default=False)
    # Active votes each member may hold on this board (None: unlimited).
    vote_budget: Mapped[int | None] = mapped_column(Integer)
    idea_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    categories: Mapped[list[Category]] = relationship(
        back_populates="board", cascade="all, delete-orphan", order_by="Category.name"
    )


class BoardMember(db.Model):
    """A customer invited to a private board, by email: access needs a confirmed address."""

    __tablename__ = "board_members"
    __table_args__ = (UniqueConstraint("board_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BoardBlock(db.Model):
    """A member a moderator has barred from posting, commenting and voting on a board."""

    __tablename__ = "board_blocks"
    __table_args__ = (UniqueConstraint("board_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    blocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Category(db.Model):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("board_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    slug: Mapped[str] = mapped_column(String(64))

    board: Mapped[Board] = relationship(back_populates="categories")


class Idea(db.Model):
    __tablename__ = "ideas"
    __table_args__ = (
        # One index per sort order, matching the keyset pagination (board, key, id).
        Index("ix_ideas_board_top", "board_id", "visibility", "score", "id"),
        Index("ix_ideas_board_new", "board_id", "visibility", "created_at", "id"),
        Index("ix_ideas_board_discussed", "board_id", "visibility", "comment_count", "id"),
        Index("ix_ideas_board_hot", "board_id", "visibility", "hot_rank", "id"),
        Index("ix_ideas_board_trending", "board_id", "visibility", "trending_rank", "id"),
        Index("ix_ideas_board_confidence", "board_id", "visibility", "confidence_rank", "id"),
        Index("ix_ideas_board_status", "board_id", "status"),
        CheckConstraint("upvotes >= 0 AND downvotes >= 0", name="counters_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=Status.OPEN)
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.VISIBLE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    upvotes: Mapped[int] = mapped_column(default=0)
    downvotes: Mapped[int] = mapped_column(default=0)
    score: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    follower_count: Mapped[int] = mapped_column(default=0)
    # Rank keys for the time-decaying sorts, refreshed on activity and by `flask ranking refresh`.
    hot_rank: Mapped[float] = mapped_column(Float, default=0.0)
    trending_rank: Mapped[float] = mapped_column(Float, default=-1.0e9)
    confidence_rank: Mapped[float] = mapped_column(Float, default=0.0)

    official_response: Mapped[str | None] = mapped_column(Text)
    official_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    official_response_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    release_note: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))

    board: Mapped[Board] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    category: Mapped[Category | None] = relationship()
    official_response_by: Mapped[User | None] = relationship(foreign_keys=[official_response_by_id])
    merged_into: Mapped[Idea | None] = relationship(remote_side=[id], foreign_keys=[merged_into_id])
    tags: Mapped[list[Tag]] = relationship(secondary="idea_tags", order_by="Tag.name")

    @property
    def status_label(self) -> str:
        return Status.LABELS.get(self.status, self.status)

    @property
    def voting_open(self) -> bool:
        return self.status not in Status.CLOSED


class Tag(db.Model):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("board_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))


class IdeaTag(db.Model):
    __tablename__ = "idea_tags"

    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)


class IdeaRevision(db.Model):
    """The text of an idea before each edit."""

    __tablename__ = "idea_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor: Mapped[User | None] = relationship()


class StatusChange(db.Model):
    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[User | None] = relationship()

    @property
    def to_label(self) -> str:
        return Status.LABELS.get(self.to_status, self.to_status)


class Follow(db.Model):
    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("idea_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_idea_created", "idea_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Replies are one level deep: a reply's parent is always a top-level comment.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.VISIBLE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When merging carried it over from another idea.
    moved_from_idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    idea: Mapped[Idea] = relationship(foreign_keys=[idea_id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class IdeaMerge(db.Model):
    """A merge of `source` into `target`, with what moved, so it can be undone for a while."""

    __tablename__ = "idea_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source_status: Mapped[str] = mapped_column(String(20))
    # JSON lists: votes moved to the target, and source votes dropped as duplicates.
    moved_votes: Mapped[str] = mapped_column(Text, default="[]")
    dropped_votes: Mapped[str] = mapped_column(Text, default="[]")
    moved_follows: Mapped[str] = mapped_column(Text, default="[]")
    moved_comments: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    source: Mapped[Idea] = relationship(foreign_keys=[source_id])
    target: Mapped[Idea] = relationship(foreign_keys=[target_id])


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("idea_id", "user_id"),
        CheckConstraint("value IN (-1, 1)", name="value_is_up_or_down"),
        Index("ix_votes_user_created", "user_id", "created_at"),
        Index("ix_votes_idea_created", "idea_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a product manager recorded the vote for a customer (from a call or an email).
    proxy_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proxy_note: Mapped[str | None] = mapped_column(String(500))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    proxy_by: Mapped[User | None] = relationship(foreign_keys=[proxy_by_id])
