from flask_wtf import FlaskForm
from wtforms import EmailField, SelectMultipleField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.orgs.models import ROLE_LABELS


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _roles_field(label="Roles"):
    return CheckboxesField(label, choices=list(ROLE_LABELS.items()), validate_choice=True)


class OrganisationForm(FlaskForm):
    name = StringField("Name", [DataRequired(message="Enter a name."), Length(min=2, max=120)])
    slug = StringField(
        "Address",
        [Optional(), Length(max=64)],
        description="Lower-case letters, digits and dashes; leave empty to derive it from the name.",
    )
    description = TextAreaField("About", [Optional(), Length(max=5000)])
    website = URLField(
        "Website", [Optional(), URL(message="Enter a full address, like https://example.com."), Length(max=255)]
    )


class InviteForm(FlaskForm):
    email = EmailField("Email", [DataRequired(message="Enter an email address."), Length(max=254)])
    roles = _roles_field()


class RolesForm(FlaskForm):
    roles = _roles_field()
