"""Questions, answers, kudos and the edit history of both.

Counters (a question's answer_count, an answer's kudos_count) live on the rows and move with
atomic UPDATEs in the transaction of the answer or kudos that changes them; one kudos per member
and answer is the database's UNIQUE constraint, not a select before the insert.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.clock import utcnow
from app.db_types import UTCDateTime
from app.extensions import db
from app.orgs.services import slugify
from ideas.models import Board, Category, Tag, Visibility


def question_slug(title: str) -> str:
    """The readable part of a question's address, from its title."""
    return slugify(title)[:60].strip("-") or "question"


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (
        # One index per list, matching its keyset (board, filter, key, id).
        Index("ix_questions_board_new", "board_id", "visibility", "created_at", "id"),
        Index("ix_questions_board_unanswered", "board_id", "visibility", "answer_count", "created_at", "id"),
        Index("ix_questions_board_solved", "board_id", "visibility", "solved_at", "id"),
        CheckConstraint("answer_count >= 0", name="answer_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.VISIBLE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    view_count: Mapped[int] = mapped_column(default=0)
    answer_count: Mapped[int] = mapped_column(default=0)  # visible answers, not deleted
    solution_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answers.id", ondelete="SET NULL", use_alter=True, name="fk_questions_solution_answer_id_answers")
    )
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    solved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    board: Mapped[Board] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    category: Mapped[Category | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary="question_tags", order_by="Tag.name")
    solution: Mapped[Answer | None] = relationship(foreign_keys=[solution_answer_id], post_update=True)

    @property
    def slug(self) -> str:
        return question_slug(self.title)

    @property
    def is_solved(self) -> bool:
        return self.solution_answer_id is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class QuestionTag(db.Model):
    __tablename__ = "question_tags"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (
        Index("ix_answers_question_created", "question_id", "created_at", "id"),
        CheckConstraint("kudos_count >= 0", name="kudos_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.VISIBLE)
    # The author held a role in the board's organisation when answering (staff, not community).
    is_official: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kudos_count: Mapped[int] = mapped_column(default=0)

    question: Mapped[Question] = relationship(Question, foreign_keys=[question_id])  # challenges have a Question too
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class AnswerKudos(db.Model):
    __tablename__ = "answer_kudos"
    __table_args__ = (UniqueConstraint("answer_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuestionRevision(db.Model):
    """The text of a question (answer_id empty) or of one of its answers before each edit."""

    __tablename__ = "question_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str | None] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor: Mapped[User | None] = relationship()
