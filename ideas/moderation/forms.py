"""Forms of the actions reputation unlocks."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional


class RetagForm(FlaskForm):
    category_id = SelectField(
        "Category", coerce=lambda v: int(v) if v not in (None, "", "None") else None, validate_choice=False
    )
    tags = StringField("Tags", [Optional(), Length(max=300)], description="Up to 5, separated by commas.")


class DuplicateForm(FlaskForm):
    duplicate_of_id = StringField("Duplicate of idea number", [Length(max=12)], description="For example #42.")
