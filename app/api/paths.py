"""The one resolver of what an API path names. Before an operation validates its input it
answers 401 without credentials, then 404 for anything in the path the caller may not see, exactly
as for what does not exist; only then are the query and body read (422). So a validation message
never confirms that a private thing exists."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, g, request
from flask_login import current_user

from app.api.auth import check_request

Finder = Callable[[object], object]


def caller():
    """The signed-in member (or the anonymous user) as a plain object, for services."""
    return current_user._get_current_object()


def remembered(kind: str, ident, find: Finder):
    """`find(ident)` once per request: an operation and its path check share the lookup."""
    seen = g.setdefault(f"api_{kind}", {})
    if ident not in seen:
        seen[ident] = find(ident)
    return seen[ident]


def guard(blueprint: Blueprint, finders: dict[str, Finder], then: Callable[[], None] | None = None) -> None:
    """Check credentials and every path argument named in `finders` (in that order) before each
    of the blueprint's operations; `then` adds a check of the blueprint's own."""

    def authenticate_and_find():
        if request.method == "OPTIONS":
            return None
        refusal = check_request(True)
        if refusal is not None:
            return refusal
        args = request.view_args or {}
        for name, find in finders.items():
            if name in args:
                find(args[name])
        if then is not None:
            then()
        return None

    blueprint.before_request(authenticate_and_find)
