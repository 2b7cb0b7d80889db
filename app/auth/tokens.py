"""Signed, expiring tokens for links sent by mail (password reset, email verification)."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class InvalidToken(Exception):
    """The link is malformed, tampered with, expired, or already used."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"ideaforge.{purpose}")


def sign(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def load(purpose: str, token: str, max_age: int) -> dict:
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidToken("This link has expired.") from exc
    except BadSignature as exc:
        raise InvalidToken("This link is not valid.") from exc
    if not isinstance(payload, dict):
        raise InvalidToken("This link is not valid.")
    return payload


def fingerprint(value: str) -> str:
    """A short digest that changes when `value` changes: a reset link carries the password
    hash's fingerprint, so it stops working once the password has been changed."""
    return hashlib.sha256(value.encode()).hexdigest()[:20]
