from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ideas.forms import MARKDOWN_HINT


class QuestionForm(FlaskForm):
    title = StringField(
        "Your question",
        [DataRequired(message="Write your question."), Length(max=160)],
        description="One sentence: what are you trying to do, and what happens?",
    )
    body = TextAreaField("Details", [Optional(), Length(max=20_000)], description=MARKDOWN_HINT)
    category_id = SelectField(
        "Category", coerce=lambda v: int(v) if v not in (None, "", "None") else None, validate_choice=False
    )
    tags = StringField("Tags", [Optional(), Length(max=300)], description="Up to 5, separated by commas.")


class AnswerForm(FlaskForm):
    body = TextAreaField(
        "Your answer", [DataRequired(message="Write your answer first."), Length(max=20_000)], description=MARKDOWN_HINT
    )
