"""Forms of the segments page: segments, email domains and customers set one by one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from app.forms import WholeNumberField
from voting.demand.models import MAX_REVENUE, MAX_WEIGHT


def _segment_id(value):
    return int(value) if value not in (None, "", "None") else None


class RevenueField(Field):
    """A whole amount; thousands separators (commas, spaces, underscores) are fine."""

    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:,}" if self.data is not None else ""

    def process_formdata(self, valuelist) -> None:
        self.data = None
        raw = (valuelist[0] if valuelist else "").strip()
        if not raw:
            return
        digits = raw.replace(",", "").replace(" ", "").replace("_", "").replace("\u00a0", "")
        if not digits.isascii() or not digits.isdigit():
            raise ValueError("Enter a whole amount, like 250,000.")
        if len(digits) > len(str(MAX_REVENUE)) or int(digits) > MAX_REVENUE:
            raise ValueError("That amount is too large.")
        self.data = int(digits)


def _segment_field() -> SelectField:
    return SelectField("Segment", coerce=_segment_id, validate_choice=True, choices=[("", "No segment")])


def _revenue_field() -> RevenueField:
    return RevenueField("Yearly revenue", [Optional()], description="A whole amount a year; leave empty if unknown.")


class SegmentForm(FlaskForm):
    name = StringField("Name", [DataRequired(message="Enter a name."), Length(max=60)])
    weight = WholeNumberField(
        "Weight",
        [
            InputRequired(message="Enter a weight."),
            NumberRange(min=0, max=MAX_WEIGHT, message=f"A whole number from 0 to {MAX_WEIGHT}."),
        ],
        description="How many votes one vote from this segment counts as.",
    )


class DomainForm(FlaskForm):
    domain = StringField(
        "Email domain",
        [DataRequired(message="Enter an email domain."), Length(max=253)],
        description="Everyone whose address ends in @ this domain, e.g. bigbank.example.com.",
    )
    segment_id = _segment_field()
    yearly_revenue = _revenue_field()


class CustomerForm(FlaskForm):
    email = EmailField(
        "Customer's email", [DataRequired(message="Enter the customer's email address."), Length(max=254)]
    )
    segment_id = _segment_field()
    yearly_revenue = _revenue_field()


def with_segments(form, segments) -> FlaskForm:
    """Offer the organisation's segments in the form's segment menu."""
    form.segment_id.choices = [("", "No segment")] + [(str(s.id), f"{s.name} (weight {s.weight})") for s in segments]
    return form
