from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional


class ProxyVoteForm(FlaskForm):
    email = EmailField("Customer email", [DataRequired(message="Enter the customer's email address."), Length(max=254)])
    note = StringField(
        "Where it came from",
        [Optional(), Length(max=500)],
        description="e.g. “Call with Globex, 12 May”. Shown to product managers only.",
    )
