from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, URLField
from wtforms.validators import Length, Optional

from app.orgs.forms import CheckboxesField
from app.webhooks.models import EVENT_TYPES


class EndpointForm(FlaskForm):
    # The address is checked by the service (scheme, host, private networks), one set of rules.
    url = URLField("Payload URL", description="Where we POST each event as JSON, e.g. https://example.com/hooks.")
    description = StringField(
        "Description", [Optional(), Length(max=200)], description="Optional: what receives these events."
    )
    events = CheckboxesField("Events", choices=list(EVENT_TYPES.items()), validate_choice=True)
    active = BooleanField("Active", default=True, description="Paused endpoints receive nothing.")
