"""Glue between domain errors and WTForms, shared by every blueprint."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import StopValidation

from app.errors_domain import DomainError

# Beyond any count, amount or weight the product takes, and within what a float (which WTForms'
# range check converts to) and a database INTEGER hold.
MAX_DIGITS = 9


class WholeNumberField(IntegerField):
    """An IntegerField that refuses a number of more than MAX_DIGITS digits with a message on the
    field, before any range check meets a number too large to compare."""

    too_large = False

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "") or ""
        digits = raw.strip().lstrip("+-")
        self.too_large = len(digits) > MAX_DIGITS and digits.isdigit()
        if self.too_large:
            self.data = None
            return
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        if self.too_large:  # stops the chain: "required" would otherwise say the field is empty
            raise StopValidation("That number is too large.")


def apply_errors(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal on the fields it names, or on the form as a whole."""
    placed = False
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + list(messages)
            placed = True
    if not placed:
        form.form_errors.append(error.message)
