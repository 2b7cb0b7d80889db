"""Personal access tokens: create, revoke, list, and authenticate a request's bearer token."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import func, or_, select, update

from app import audit, events
from app.api.models import ApiToken
from app.api.pagination import PageQuery, keyset_page
from app.auth.models import User, token_digest
from app.clock import utcnow
from app.db_types import write_aside
from app.errors_domain import NotFound, ValidationFailed
from app.extensions import db

# Tokens start with a fixed marker so secret scanners and people can recognise a leaked one.
TOKEN_MARKER = "ifp_"
PREFIX_LENGTH = 12
MAX_ACTIVE_TOKENS = 50
DEFAULT_NAME = "Personal token"
# last_used_at is written at most this often, so a busy client does not cause a write per request.
USE_GRANULARITY = timedelta(minutes=1)


def create_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with its secret, which is not stored anywhere.

    Raises ValidationFailed for a name over 80 characters or when the user already holds
    MAX_ACTIVE_TOKENS active tokens.
    """
    name = (name or "").strip() or DEFAULT_NAME
    if len(name) > 80:
        raise ValidationFailed("Keep the name to 80 characters.", {"name": ["At most 80 characters."]})
    active = db.session.scalar(
        select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationFailed(
            f"You already have {MAX_ACTIVE_TOKENS} tokens; revoke one first.", {"name": ["Too many tokens."]}
        )
    secret = TOKEN_MARKER + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, token_hash=token_digest(secret), prefix=secret[:PREFIX_LENGTH], created_at=utcnow()
    )
    db.session.add(token)
    db.session.commit()
    audit.event("api.token_created", user_id=user.id, token_id=token.id)
    return token, secret


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of `user`'s active tokens. Raises NotFound for anyone else's or a revoked one."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or not token.is_active:
        raise NotFound("No such token.")
    token.revoked_at = utcnow()
    db.session.commit()
    audit.event("api.token_revoked", user_id=user.id, token_id=token.id)
    return token


@events.subscribe(events.PasswordReset)
def _revoke_all_after_reset(event: events.PasswordReset) -> None:
    """A reset follows a lost or stolen password: a token made with it must not outlive it."""
    _revoke_all(event.user_id, "api.tokens_revoked_by_reset")


@events.subscribe(events.ApiTokensDisowned)
def _revoke_all_on_request(event: events.ApiTokensDisowned) -> None:
    _revoke_all(event.user_id, "api.tokens_revoked_by_owner")


def _revoke_all(user_id: int, audit_event: str) -> None:
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if revoked:
        audit.event(audit_event, user_id=user_id, count=revoked)


def active_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def token_page(user: User, query: PageQuery) -> tuple[list[ApiToken], str | None]:
    """One page of `user`'s active tokens, newest first. Raises ValidationFailed for a bad cursor."""
    stmt = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    return keyset_page(db.session, stmt, kind="tokens", columns=(ApiToken.created_at, ApiToken.id), query=query)


def authenticate_token(secret: str) -> ApiToken | None:
    """The active token with this secret, its user active too, or None. Records its use."""
    if not secret.startswith(TOKEN_MARKER) or len(secret) > 200:
        return None
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_digest(secret), ApiToken.revoked_at.is_(None), User.active.is_(True))
    ).first()
    if row is None:
        return None
    token, _user = row
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= USE_GRANULARITY:
        # Conditional, so concurrent requests with one token write it once; aside from the
        # request's read transaction, so a GET never fails over it while another request writes.
        write_aside(
            update(ApiToken)
            .where(
                ApiToken.id == token.id,
                or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - USE_GRANULARITY),
            )
            .values(last_used_at=now)
        )
    return token
