"""The JSON shapes of questions, answers, kudos and solutions in the API (`ideas/questions/api.py`).

Inputs are strict and state in their schema what the services will refuse where JSON Schema can
say it (`app/api/fields.py`); the rest is said in words in the descriptions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from flask import url_for
from pydantic import BaseModel, Field

from app.api.fields import text, trimmed_text
from app.api.pagination import Page, PageQuery
from app.markdown import render_markdown
from ideas.questions.models import Answer, Question
from ideas.questions.services.answers import BODY_MAX as ANSWER_MAX
from ideas.questions.services.answers import BODY_MIN as ANSWER_MIN
from ideas.questions.services.listing import VIEWS
from ideas.questions.services.questions import BODY_MAX, TITLE_MAX, TITLE_MIN
from ideas.schemas import CategoryOut, Id, StrictInput, Tags, UserRef, category_out, user_ref

View = Literal["newest", "unanswered", "unsolved", "solved"]
assert set(View.__args__) == set(VIEWS)

Visibility = Literal["visible", "pending", "hidden"]


class QuestionOut(BaseModel):
    id: int
    board_id: int
    title: str
    body: str = Field(description="Markdown source.")
    body_html: str = Field(description="The body rendered to sanitised HTML.")
    visibility: Visibility = Field(
        description="`pending` waits for a moderator and `hidden` was removed by one; only the asker "
        "and the moderators see such a question."
    )
    author: UserRef | None = Field(description="Null when the account was deleted.")
    category: CategoryOut | None
    tags: list[str]
    answer_count: int = Field(description="Visible answers, deleted ones not counted.")
    view_count: int
    solved: bool
    solution_answer_id: int | None = Field(description="The accepted answer; null while unsolved.")
    solved_at: datetime | None
    created_at: datetime
    edited_at: datetime | None
    last_activity_at: datetime
    url: str = Field(description="The question's page on the site.")


def question_url(question: Question) -> str:
    return url_for("questions.show", question_id=question.id, slug=question.slug, _external=True)


def question_out(question: Question) -> QuestionOut:
    """The question as JSON. Reads `author`, `category` and `tags`: eager-load them for lists."""
    return QuestionOut(
        id=question.id,
        board_id=question.board_id,
        title=question.title,
        body=question.body or "",
        body_html=str(render_markdown(question.body)) if question.body else "",
        visibility=question.visibility,
        author=user_ref(question.author),
        category=category_out(question.category),
        tags=[tag.name for tag in question.tags],
        answer_count=question.answer_count,
        view_count=question.view_count,
        solved=question.is_solved,
        solution_answer_id=question.solution_answer_id,
        solved_at=question.solved_at,
        created_at=question.created_at,
        edited_at=question.edited_at,
        last_activity_at=question.last_activity_at,
        url=question_url(question),
    )


class QuestionPage(Page[QuestionOut]):
    pass


class AnswerOut(BaseModel):
    id: int
    question_id: int
    author: UserRef | None
    body: str = Field(description="Markdown source; empty once deleted.")
    body_html: str
    visibility: Visibility
    is_official: bool = Field(description="Written by someone holding a role in the board's organisation.")
    is_solution: bool = Field(description="The question's accepted solution.")
    kudos_count: int
    my_kudos: bool = Field(description="Whether you gave it kudos.")
    deleted: bool = Field(description="Deleted answers stay as tombstones, for the moderators only.")
    created_at: datetime
    edited_at: datetime | None


def answer_out(answer: Answer, *, solution_id: int | None, my_kudos: bool) -> AnswerOut:
    return AnswerOut(
        id=answer.id,
        question_id=answer.question_id,
        author=user_ref(answer.author),
        body=answer.body or "",
        body_html=str(render_markdown(answer.body)) if answer.body else "",
        visibility=answer.visibility,
        is_official=answer.is_official,
        is_solution=answer.id == solution_id,
        kudos_count=answer.kudos_count,
        my_kudos=my_kudos,
        deleted=answer.is_deleted,
        created_at=answer.created_at,
        edited_at=answer.edited_at,
    )


class QuestionDetail(QuestionOut):
    answers: list[AnswerOut] = Field(description="The accepted solution first, then the others oldest first.")
    can_answer: bool = Field(description="Whether you may answer and give kudos here.")
    can_accept: bool = Field(description="Whether you may accept a solution (or take it back).")


class QuestionListQuery(PageQuery):
    view: View = Field(
        default="newest",
        description="newest: newest first; unanswered: no visible answer yet, newest first; unsolved: no "
        "accepted solution, newest first; solved: most recently solved first. A cursor belongs to its "
        "view: change the view, start without one.",
    )


class QuestionCreate(StrictInput):
    title: Annotated[
        trimmed_text(TITLE_MIN, TITLE_MAX),
        Field(
            description=f"{TITLE_MIN} to {TITLE_MAX} characters, not counting white space at either end; "
            "runs of white space count as one."
        ),
    ]
    body: text(max_length=BODY_MAX) = Field(default="", description="Details, in Markdown.")
    category_id: Id | None = Field(default=None, description="One of the board's categories.")
    tags: Tags = Field(default_factory=list)


class AnswerCreate(StrictInput):
    body: trimmed_text(ANSWER_MIN, ANSWER_MAX) = Field(
        description=f"Markdown; {ANSWER_MIN} to {ANSWER_MAX:,} characters, not counting white space at "
        "either end: say what solves the problem."
    )


class KudosOut(BaseModel):
    answer_id: int
    kudos_count: int
    my_kudos: bool = Field(description="Whether you have given it kudos now.")


class SolutionIn(StrictInput):
    answer_id: Id = Field(description="One of this question's answers, visible and not deleted.")
