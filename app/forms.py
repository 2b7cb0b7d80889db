"""Glue between domain errors and WTForms, shared by every blueprint."""

from __future__ import annotations

from flask_wtf import FlaskForm

from app.errors_domain import DomainError


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
