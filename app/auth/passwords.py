"""Password hashing (Argon2id) and the password policy.

The common-password list is Django's (20,000 entries, BSD licence in licences/).
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0")
MAX_LENGTH = 256


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common-passwords.txt.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def password_problems(password: str, min_length: int, email: str = "", name: str = "") -> list[str]:
    """Why a new password is not acceptable; an empty list means it is."""
    problems = []
    if len(password) < min_length:
        problems.append(f"Use at least {min_length} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    if lowered in _common_passwords():
        problems.append("This password is too common; choose one that is harder to guess.")
    local_part = email.split("@")[0].lower()
    if (len(local_part) >= 4 and local_part in lowered) or (name and lowered == name.lower()):
        problems.append("The password must not contain your email address or name.")
    if password and len(set(password)) <= 2:
        problems.append("The password repeats too few characters.")
    return problems
