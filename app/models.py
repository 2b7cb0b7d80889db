"""Imports every package's models, so the metadata (and Alembic) sees every table."""
from app.api.models import ApiToken  # noqa: F401
from app.auth.models import AuthSession, LoginThrottle, User  # noqa: F401
from app.orgs.models import Invitation, Membership, Organisation  # noqa: F401
