"""A secret shown once on the page a form's post redirects to (post/redirect/get), so reloading
that page or going back resubmits nothing.

The post keeps the secret in the session with `keep_once`; the next GET takes it with
`take_once`, which removes it, so a second look finds nothing. The session is a signed cookie
that anyone holding it can read, so the secret is stored there encrypted: XORed with an HMAC-SHA256
key stream (counter mode, a fresh random nonce each time) under a key derived from SECRET_KEY;
the cookie's own signature keeps it from being altered.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app, session

_PREFIX = "once:"


def _key(name: str) -> bytes:
    secret = current_app.secret_key
    raw = secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(raw, f"ideaforge.once.{name}".encode(), hashlib.sha256).digest()


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (
        hmac.new(key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        for counter in range((length + 31) // 32)
    )
    return b"".join(blocks)[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def keep_once(name: str, owner: int, secret: str) -> None:
    """Keep `secret` for the next page that asks for `name` on behalf of `owner` (an id)."""
    nonce = secrets.token_bytes(16)
    data = secret.encode()
    sealed = _xor(data, _stream(_key(name), nonce, len(data)))
    session[_PREFIX + name] = {
        "owner": owner,
        "nonce": base64.urlsafe_b64encode(nonce).decode(),
        "value": base64.urlsafe_b64encode(sealed).decode(),
    }


def take_once(name: str, owner: int) -> str | None:
    """The secret kept for `name` and `owner`, removed as it is read; None when there is none
    (already shown, or kept for someone else)."""
    kept = session.pop(_PREFIX + name, None)
    if not isinstance(kept, dict) or kept.get("owner") != owner:
        return None
    try:
        nonce = base64.urlsafe_b64decode(kept["nonce"])
        sealed = base64.urlsafe_b64decode(kept["value"])
    except (KeyError, TypeError, ValueError):
        return None
    return _xor(sealed, _stream(_key(name), nonce, len(sealed))).decode(errors="replace")
