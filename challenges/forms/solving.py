"""Forms a solver fills in: accepting the terms, and the submission with its files."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length

from challenges.services.solving import BODY_MAX, TITLE_MAX
from challenges.uploads import ALLOWED_HINT, MAX_FILES

MARKDOWN_HINT = "Markdown works: **bold**, *italic*, lists, `code`, tables, [links](https://example.com)."


class AgreementForm(FlaskForm):
    """Only the CSRF token: accepting is the button itself."""


class SubmissionForm(FlaskForm):
    title = StringField(
        "Title",
        [DataRequired(message="Give your solution a title."), Length(max=TITLE_MAX)],
        description="A short name the judges will see first.",
    )
    body = TextAreaField(
        "Your solution",
        [DataRequired(message="Describe your solution."), Length(max=BODY_MAX)],
        description=MARKDOWN_HINT,
        render_kw={"rows": 14},
    )
    files = MultipleFileField(
        "Attach files",
        render_kw={"multiple": True},
        description=f"Up to {MAX_FILES} files in all. Accepted: {ALLOWED_HINT}.",
    )
    remove = SelectMultipleField(
        "Remove attached files",
        coerce=int,
        validate_choice=False,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )


class WithdrawForm(FlaskForm):
    """Only the CSRF token."""
