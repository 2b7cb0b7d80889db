"""The shapes the API reads and writes, as pydantic models; the OpenAPI document is built from them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.fields import trimmed_text
from app.api.pagination import Page

Role = Literal["admin", "pm", "judge"]


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable reason, e.g. `invalid` or `not_found`.")
    message: str = Field(description="A sentence a person can read.")
    fields: dict[str, list[str]] = Field(description="Messages per input at fault; empty if none.")


class Error(BaseModel):
    """Every failure (4xx and 5xx) answers in this shape."""

    error: ErrorDetail


class OrganisationRef(BaseModel):
    id: int
    slug: str
    name: str
    roles: list[Role] = Field(description="The caller's roles there; empty for a plain member.")


class MeOut(BaseModel):
    id: int
    display_name: str
    email: str
    email_verified: bool
    created_at: datetime
    organisations: list[OrganisationRef]


class MeUpdate(BaseModel):
    """Fields left out (or null) stay as they are."""

    model_config = ConfigDict(extra="forbid")

    display_name: trimmed_text(1, 80) | None = Field(default=None, description="Shown next to everything you post.")
    bio: str | None = Field(default=None, max_length=2000)


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to tell tokens apart.")
    created_at: datetime
    last_used_at: datetime | None = Field(description="Updated at most once a minute.")


class TokenPage(Page[TokenOut]):
    pass
