"""Glue between domain errors and WTForms, shared by every blueprint."""

from __future__ import annotations

from collections.abc import Callable

from flask import g
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import StopValidation

from app.errors_domain import DomainError, ValidationFailed

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


def validate_all(form: FlaskForm, check: Callable[[], object]) -> bool:
    """`form.validate_on_submit()`, and on a submitted form the service's own rules too
    (`check()`, which raises ValidationFailed naming every field at fault), so a form shows all
    its errors at once rather than the form's first and the service's once those are fixed. A
    service's message goes on its field unless the form already faulted that field. Returns
    whether both passed; a form with a bad CSRF token is not checked further."""
    valid = form.validate_on_submit()
    if not form.is_submitted() or "csrf_token" in form.errors:
        return False
    try:
        check()
    except ValidationFailed as error:
        placed = False
        for name, messages in error.fields.items():
            field = getattr(form, name, None)
            if field is not None:
                placed = True
                if not field.errors:
                    field.errors = list(messages)
        if not placed:
            form.form_errors.append(error.message)
        return False
    return valid


# --------------------------------------------------------------------------- focus
# A re-rendered form puts the keyboard on its first field in error. Fields render in document
# order, so the first one in error that the page renders takes `autofocus`, and a field asked to
# take it on a fresh form (the first of a sign-in form, say) gives it up when the page shows an
# error; one autofocus per page, as the browser honours only the first. `form_errors` (rendered
# above a form's fields) notes that the form has fields in error before any field is drawn.


def _focus_state() -> dict:
    return g.setdefault("form_focus", {"taken": False, "errors": False})


def note_field_errors(form) -> str:
    """Called by the form_errors macro: the page shows fields in error. Renders nothing."""
    if any(f.errors for f in form):
        _focus_state()["errors"] = True
    return ""


def takes_focus(field, requested: bool = False) -> bool:
    """Whether `field` gets the page's autofocus: it is the first field in error rendered, or it
    was `requested` and the page shows no field in error."""
    state = _focus_state()
    if state["taken"]:
        return False
    if field.errors or (requested and not state["errors"]):
        state["taken"] = True
        return True
    return False
