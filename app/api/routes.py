"""The JSON API's own resources: the caller (`/me`) and their tokens; and the OpenAPI document."""

from __future__ import annotations

from flask import current_app, jsonify
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.api import bp, services
from app.api.openapi import document_for
from app.api.pagination import PageQuery
from app.api.schemas import MeOut, MeUpdate, OrganisationRef, TokenOut, TokenPage
from app.api.spec import operation
from app.auth import services as auth_services
from app.auth.models import User
from app.extensions import db
from app.orgs.models import Membership


def _me(user: User) -> MeOut:
    memberships = db.session.scalars(
        select(Membership)
        .options(joinedload(Membership.organisation))
        .where(Membership.user_id == user.id)
        .order_by(Membership.organisation_id)
    )
    return MeOut(
        id=user.id,
        display_name=user.display_name,
        email=user.email,
        email_verified=user.email_verified,
        created_at=user.created_at,
        organisations=[
            OrganisationRef(id=m.organisation.id, slug=m.organisation.slug, name=m.organisation.name, roles=m.roles)
            for m in memberships
        ],
    )


@operation(bp, "GET", "/me", summary="Who you are", response=MeOut, tags=("Account",))
def get_me() -> MeOut:
    """Your account and the organisations you belong to, with your roles in each."""
    return _me(current_user._get_current_object())


@operation(bp, "PATCH", "/me", summary="Change your profile", body=MeUpdate, response=MeOut, tags=("Account",))
def update_me(body: MeUpdate) -> MeOut:
    """Change your display name or bio; fields left out (or null) stay as they are."""
    user = current_user._get_current_object()
    auth_services.update_profile(
        user,
        user.display_name if body.display_name is None else body.display_name,
        user.bio if body.bio is None else body.bio,
    )
    return _me(user)


@operation(
    bp, "GET", "/tokens", summary="List your access tokens", query=PageQuery, response=TokenPage, tags=("Tokens",)
)
def list_tokens(query: PageQuery) -> TokenPage:
    """Your active personal access tokens, newest first. Their secrets are never shown again."""
    tokens, next_cursor = services.token_page(current_user._get_current_object(), query)
    return TokenPage(data=[TokenOut.model_validate(t, from_attributes=True) for t in tokens], next_cursor=next_cursor)


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 description of every operation above (and those other packages add)."""
    return jsonify(document_for(current_app))
