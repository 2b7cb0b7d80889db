"""Accounts: registration, authentication with lockout, sessions, passwords, verification.

Plain functions with explicit arguments; each commits its own transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app import audit, events
from app.auth import passwords, tokens
from app.auth.lifetimes import lifetimes
from app.auth.models import AuthSession, LoginThrottle, User, token_digest
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import DomainError, RateLimited, ValidationFailed, wait_phrase
from app.extensions import db


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"


class LoginLocked(RateLimited):
    code = "locked"

    def __init__(self, retry_after: int):
        super().__init__(
            f"Too many failed sign-in attempts. Try again in {wait_phrase(retry_after)}, or reset your password.",
            retry_after=retry_after,
        )


GENERIC_LOGIN_ERROR = "That email and password do not match an account."


def normalise_email(email: str) -> str:
    """Lower-cased and syntax-checked; raises ValidationFailed for an impossible address."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationFailed("Enter a valid email address.", {"email": [str(exc)]}) from exc
    return result.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    try:
        address = normalise_email(email)
    except ValidationFailed:
        return None
    return db.session.scalar(select(User).where(User.email == address))


def check_new_password(password: str, email: str = "", name: str = "", field: str = "password") -> None:
    problems = passwords.password_problems(password, current_app.config["PASSWORD_MIN_LENGTH"], email=email, name=name)
    if problems:
        raise ValidationFailed(problems[0], {field: problems})


@dataclass
class Registration:
    user: User
    created: bool  # False when the address already had an account


def register(email: str, password: str, display_name: str) -> Registration:
    """Create an unverified account. An address that is already registered is not an error
    (the caller sends that owner a notice instead), so sign-up reveals nothing: not by its
    answer, nor by its time (the password is hashed either way, before the write lock is taken)."""
    address = check_registration(email, password, display_name)
    return _register(address, passwords.hash_password(password), display_name.strip())


def check_registration(email: str, password: str, display_name: str) -> str:
    """The normalised address, or ValidationFailed naming every field at fault at once (name,
    email and password), not only the first."""
    errors: dict[str, list[str]] = {}
    if not (display_name or "").strip():
        errors["display_name"] = ["Enter your name."]
    try:
        address = normalise_email(email)
    except ValidationFailed as error:
        errors.update(error.fields)
        address = (email or "").strip().lower()
    problems = passwords.password_problems(
        password or "", current_app.config["PASSWORD_MIN_LENGTH"], email=address, name=(display_name or "").strip()
    )
    if problems:
        errors["password"] = problems
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)
    return address


@writes
def _register(address: str, password_hash: str, display_name: str) -> Registration:
    existing = db.session.scalar(select(User).where(User.email == address))
    if existing is not None:
        audit.event("auth.signup_existing", email=audit.email_fingerprint(address))
        return Registration(existing, created=False)
    user = User(email=address, password_hash=password_hash, display_name=display_name[:80])
    db.session.add(user)
    try:
        db.session.commit()
    except Exception:
        # Two sign-ups raced for one address; the database kept one.
        db.session.rollback()
        existing = db.session.scalar(select(User).where(User.email == address))
        if existing is None:
            raise
        return Registration(existing, created=False)
    audit.event("auth.signup", user_id=user.id)
    return Registration(user, created=True)


def create_user(
    email: str,
    password: str,
    display_name: str = "",
    *,
    site_admin: bool = False,
    verified: bool = True,
    check_password: bool = True,
) -> User:
    """For administrators and the CLI: raises ValidationFailed if the address is taken."""
    address = normalise_email(email)
    name = (display_name or address.split("@")[0]).strip()
    if check_password:
        check_new_password(password, address, name)
    user = User(
        email=address,
        password_hash=passwords.hash_password(password),
        display_name=name[:80],
        is_site_admin=site_admin,
        email_verified_at=utcnow() if verified else None,
    )
    return _add_new_user(user)


@writes
def _add_new_user(user: User) -> User:
    if db.session.scalar(select(User.id).where(User.email == user.email)) is not None:
        raise ValidationFailed("That email address already has an account.", {"email": ["Already registered."]})
    db.session.add(user)
    db.session.commit()
    return user


# --- signing in ---------------------------------------------------------------------------


def _lock_seconds(failures: int) -> int:
    config = current_app.config
    over = failures - config["LOGIN_LOCK_AFTER"]
    if over < 0:
        return 0
    return min(config["LOGIN_LOCK_BASE_SECONDS"] * (2**over), config["LOGIN_LOCK_MAX_SECONDS"])


@writes
def _record_failure(key: str, now: datetime) -> int:
    """Count one failed attempt atomically (concurrent failures all count); lock if due."""
    bumped = db.session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.email_hash == key)
        .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
    ).rowcount
    if not bumped:
        try:
            with db.session.begin_nested():
                db.session.add(LoginThrottle(email_hash=key, failures=1, last_failure_at=now))
        except IntegrityError:  # another request created it a moment ago
            return _record_failure(key, now)
    failures = db.session.scalar(select(LoginThrottle.failures).where(LoginThrottle.email_hash == key))
    lock = _lock_seconds(failures)
    if lock:
        db.session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.email_hash == key)
            .values(locked_until=now + timedelta(seconds=lock))
        )
    db.session.commit()
    return failures


def authenticate(email: str, password: str, now: datetime | None = None) -> User:
    """The account for these credentials. Raises InvalidCredentials (one message for every
    reason) or LoginLocked after repeated failures for this address."""
    now = now or utcnow()
    try:
        address = normalise_email(email)
    except ValidationFailed:
        raise InvalidCredentials(GENERIC_LOGIN_ERROR) from None
    key = token_digest(address)
    locked_until = db.session.scalar(select(LoginThrottle.locked_until).where(LoginThrottle.email_hash == key))
    if locked_until and locked_until > now:
        audit.event("auth.login_locked", email=audit.email_fingerprint(address))
        raise LoginLocked(int((locked_until - now).total_seconds()) + 1)

    user = db.session.scalar(select(User).where(User.email == address))
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        failures = _record_failure(key, now)
        audit.event("auth.login_failed", email=audit.email_fingerprint(address), failures=failures)
        raise InvalidCredentials(GENERIC_LOGIN_ERROR)

    _signed_in(
        user, key, passwords.hash_password(password) if passwords.needs_rehash(user.password_hash) else None, now
    )
    return user


@writes
def _signed_in(user: User, key: str, new_hash: str | None, now: datetime) -> None:
    if new_hash:
        user.password_hash = new_hash
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.email_hash == key))
    user.last_login_at = now
    db.session.commit()


@writes
def start_session(user: User, *, remember: bool, user_agent: str = "", ip_address: str = "") -> str:
    """Record a new signed-in session and return its token (kept only in the cookie)."""
    token = secrets.token_urlsafe(32)
    # The member's sessions that have ended (app/auth/lifetimes.py) go now, so rows of
    # abandoned devices do not pile up.
    db.session.execute(delete(AuthSession).where(AuthSession.user_id == user.id, lifetimes().expired_clause(utcnow())))
    db.session.add(
        AuthSession(
            user_id=user.id,
            token_hash=token_digest(token),
            remember=remember,
            user_agent=(user_agent or "")[:255],
            ip_address=(ip_address or "")[:64],
        )
    )
    db.session.commit()
    user._session_token = token
    audit.event("auth.login", user_id=user.id, remember=remember)
    return token


def live_sessions(user: User) -> list[AuthSession]:
    """The member's sessions that have not ended, most recently used first."""
    return list(
        db.session.scalars(
            select(AuthSession)
            .where(AuthSession.user_id == user.id, ~lifetimes().expired_clause(utcnow()))
            .order_by(AuthSession.last_seen_at.desc())
        )
    )


@writes
def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(AuthSession).where(AuthSession.token_hash == token_digest(token)))
        db.session.commit()


@writes
def end_other_sessions(user: User, keep_session_id: int | None) -> int:
    query = delete(AuthSession).where(AuthSession.user_id == user.id)
    if keep_session_id is not None:
        query = query.where(AuthSession.id != keep_session_id)
    count = db.session.execute(query).rowcount
    db.session.commit()
    return count


@writes
def end_session_by_id(user: User, session_id: int) -> bool:
    count = db.session.execute(
        delete(AuthSession).where(AuthSession.user_id == user.id, AuthSession.id == session_id)
    ).rowcount
    db.session.commit()
    return bool(count)


# --- passwords ----------------------------------------------------------------------------


def change_password(
    user: User, current: str, new: str, keep_session_id: int | None, *, revoke_api_tokens: bool = False
) -> None:
    """Raises ValidationFailed; on success every other session of the user is signed out, and
    their API tokens revoked if they ask (a voluntary change need not follow a leak)."""
    if not passwords.verify_password(user.password_hash, current):
        raise ValidationFailed("Your current password is not correct.", {"current_password": ["Not correct."]})
    check_new_password(new, user.email, user.display_name, field="new_password")
    _set_password(user, passwords.hash_password(new), keep_session_id, revoke_api_tokens=revoke_api_tokens)
    audit.event("auth.password_changed", user_id=user.id, api_tokens_revoked=revoke_api_tokens)


@writes
def _set_password(user: User, password_hash: str, keep_session_id: int | None, *, revoke_api_tokens=False) -> None:
    """The new hash (made before the write lock: Argon2 is slow on purpose) and the other sessions ended."""
    user.password_hash = password_hash
    end_other_sessions(user, keep_session_id)
    if revoke_api_tokens:
        events.publish(events.ApiTokensDisowned(user.id))  # revoked in this transaction


def make_reset_token(user: User) -> str:
    return tokens.sign("reset", {"uid": user.id, "pw": tokens.fingerprint(user.password_hash)})


def user_for_reset_token(token: str) -> User:
    """Raises tokens.InvalidToken when expired, forged, or already used (the password changed)."""
    payload = tokens.load("reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, payload.get("uid")) if isinstance(payload.get("uid"), int) else None
    if user is None or not user.active or payload.get("pw") != tokens.fingerprint(user.password_hash):
        raise tokens.InvalidToken("This link has already been used or is no longer valid.")
    return user


def reset_password(token: str, new: str) -> User:
    user = user_for_reset_token(token)
    check_new_password(new, user.email, user.display_name)
    _reset(user, passwords.hash_password(new))
    audit.event("auth.password_reset", user_id=user.id)
    return user


@writes
def _reset(user: User, password_hash: str) -> None:
    # The reset proves the mailbox is theirs.
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.email_hash == token_digest(user.email)))
    events.publish(events.PasswordReset(user.id))  # API tokens are revoked in this transaction
    _set_password(user, password_hash, None)


# --- email verification -------------------------------------------------------------------


def make_verify_token(user: User) -> str:
    return tokens.sign("verify", {"uid": user.id, "email": user.email})


def user_for_verify_token(token: str) -> User:
    payload = tokens.load("verify", token, current_app.config["EMAIL_VERIFY_MAX_AGE"])
    user = db.session.get(User, payload.get("uid")) if isinstance(payload.get("uid"), int) else None
    if user is None or user.email != payload.get("email"):
        raise tokens.InvalidToken("This link is not valid.")
    return user


@writes
def verify_email(token: str) -> User:
    user = user_for_verify_token(token)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.commit()
        audit.event("auth.email_verified", user_id=user.id)
    return user


# --- profile and administration -----------------------------------------------------------


@writes
def update_profile(user: User, display_name: str, bio: str) -> None:
    display_name = (display_name or "").replace("\x00", "").strip()
    bio = (bio or "").replace("\x00", "")
    if not display_name:
        raise ValidationFailed("Enter your name.", {"display_name": ["Enter your name."]})
    user.display_name = display_name[:80]
    user.bio = (bio or "").strip()[:2000]
    db.session.commit()


@writes
def set_active(actor: User, user: User, active: bool) -> None:
    if actor.id == user.id and not active:
        raise ValidationFailed("You cannot deactivate your own account.")
    user.active = active
    db.session.commit()
    if not active:
        end_other_sessions(user, None)
    audit.event("admin.user_active", actor_id=actor.id, user_id=user.id, active=active)


@writes
def set_site_admin(actor: User, user: User, is_admin: bool) -> None:
    if actor.id == user.id and not is_admin:
        raise ValidationFailed("You cannot remove your own administrator rights.")
    user.is_site_admin = is_admin
    db.session.commit()
    audit.event("admin.user_site_admin", actor_id=actor.id, user_id=user.id, site_admin=is_admin)
