"""Text inputs of the API, with what the services check of them stated in their JSON Schema.

The services strip white space from both ends with Python's `str.strip()`, and the API drops NUL
characters first. JSON Schema's `\\s` (ECMA 262), pydantic's (Rust) and Python's each name a
different set of characters (U+0085 and U+001C..U+001F differ), so the patterns below spell out
Python's set rather than trust `\\s`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

# What str.strip() removes: every character whose str.isspace() is true.
SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Somewhere a character other than white space and NUL.
VISIBLE = rf"[^{SPACE}\x00]"


def _drop_nul(value: str) -> str:
    return value.replace("\x00", "")


def text(**constraints):
    """A string input checked against `constraints` as sent, then without NUL characters."""
    return Annotated[str, StringConstraints(**constraints), AfterValidator(_drop_nul)]


def at_least_visible(length: int) -> str:
    """A pattern for text that keeps `length` characters or more once NULs are dropped and the
    white space at either end is stripped: a visible first character, `length - 2` more that are
    not NUL, anything, and a visible last one."""
    if length <= 1:
        return VISIBLE
    edge = rf"[{SPACE}\x00]*"
    return rf"^{edge}{VISIBLE}(?:\x00*[^\x00]){{{length - 2}}}[\s\S]*{VISIBLE}{edge}$"


def trimmed_text(min_length: int, max_length: int):
    """Text the service strips and then wants `min_length` to `max_length` characters of. The
    service checks it (with its own message); the schema says the same to clients. The pattern is
    not matched here: on long texts pydantic's regex would only repeat the service's work."""
    pattern = at_least_visible(min_length)
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        Field(json_schema_extra={"pattern": pattern}),
        AfterValidator(_drop_nul),
    ]
