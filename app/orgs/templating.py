"""What every page shows of organisations: the signed-in member's, and role names."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from app.orgs.models import ROLE_LABELS
from app.orgs.services import organisations_of


def role_names(roles) -> str:
    return ", ".join(ROLE_LABELS[role] for role in roles) or "Member"


def _my_organisations() -> dict:
    return {"my_organisations": organisations_of(current_user) if current_user.is_authenticated else []}


def init_app(app: Flask) -> None:
    app.add_template_filter(role_names, "role_names")
    app.context_processor(_my_organisations)
