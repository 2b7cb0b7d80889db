"""Forms for questions on a challenge: asking, answering, posting a clarification."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

MARKDOWN_HINT = "Markdown works: **bold**, *italic*, lists, `code`, [links](https://example.com)."


class AskForm(FlaskForm):
    body = TextAreaField(
        "Your question",
        [DataRequired(message="Write your question first."), Length(max=5000)],
        render_kw={"rows": 3},
        description="Only the organisation sees it, until they answer it publicly.",
    )


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        "Answer",
        [DataRequired(message="Write the answer first."), Length(max=5000)],
        render_kw={"rows": 3},
        description=MARKDOWN_HINT,
    )
    visibility = RadioField(
        "Who sees it",
        default="public",
        choices=[
            ("public", "Everyone: a public clarification (solvers are notified)"),
            ("private", "Only the person who asked"),
        ],
    )


class ClarificationForm(FlaskForm):
    answer = TextAreaField(
        "Clarification",
        [DataRequired(message="Write the clarification first."), Length(max=5000)],
        render_kw={"rows": 3},
        description="Public; every solver who accepted the terms is notified. " + MARKDOWN_HINT,
    )
