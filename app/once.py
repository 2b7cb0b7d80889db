"""A secret shown once on the page a form's post redirects to (post/redirect/get), so reloading
that page or going back resubmits nothing.

The post keeps the secret in the session with `keep_once`; the next GET takes it with
`take_once`, which removes it, so a second look finds nothing. The session is a signed cookie
that anyone holding it can read, so the secret travels in it sealed with Fernet (AES-CBC and
HMAC-SHA256, from `cryptography`) under a key derived from SECRET_KEY for this use alone, and
for a few minutes only: an old copy of the cookie does not reveal it later.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, session

_PREFIX = "once:"
MAX_AGE_SECONDS = 600  # from the post to the page that shows the secret


def _fernet(name: str) -> Fernet:
    secret = current_app.secret_key
    raw = secret.encode() if isinstance(secret, str) else bytes(secret)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"ideaforge.once.{name}".encode()).derive(raw)
    return Fernet(base64.urlsafe_b64encode(key))


def keep_once(name: str, owner: int, secret: str) -> None:
    """Keep `secret` for the next page that asks for `name` on behalf of `owner` (an id)."""
    session[_PREFIX + name] = {"owner": owner, "sealed": _fernet(name).encrypt(secret.encode()).decode()}


def take_once(name: str, owner: int) -> str | None:
    """The secret kept for `name` and `owner`, removed as it is read; None when there is none
    (already shown, kept for someone else, or kept too long ago)."""
    kept = session.pop(_PREFIX + name, None)
    if not isinstance(kept, dict) or kept.get("owner") != owner or not isinstance(kept.get("sealed"), str):
        return None
    try:
        return _fernet(name).decrypt(kept["sealed"].encode(), ttl=MAX_AGE_SECONDS).decode()
    except (InvalidToken, UnicodeDecodeError):
        return None
