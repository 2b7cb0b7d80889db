from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length


class CreateTokenForm(FlaskForm):
    name = StringField(
        "Name",
        [Length(max=80, message="At most 80 characters.")],
        description='What the token is for, e.g. "reporting script".',
    )
