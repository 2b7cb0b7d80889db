"""Helpers every blueprint uses to answer browsers, htmx and JSON clients alike."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Response, current_app, flash, get_flashed_messages, redirect, render_template, request, url_for
from flask.json.provider import DefaultJSONProvider
from flask_htmx import make_response as htmx_response
from flask_login import current_user

from app.errors_domain import DomainError
from app.extensions import htmx


def render(template: str, partial: str | None = None, **context) -> Response:
    """The full page normally; only `partial` (a fragment template) for htmx requests.

    Both are cached separately by browsers and proxies thanks to `Vary: HX-Request`.
    """
    use_partial = partial is not None and htmx and not htmx.boosted
    response = current_app.make_response(render_template(partial if use_partial else template, **context))
    response.vary.add("HX-Request")
    return response


def fragment(template: str, **context) -> Response:
    """An htmx-only answer rendered without the site-wide template context (the navigation's
    organisations and unread count cost two queries, and a fragment shows neither)."""
    html = current_app.jinja_env.get_template(template).render(current_user=current_user, **context)
    response = current_app.make_response(html)
    response.vary.add("HX-Request")
    return response


def redirect_to(location: str, code: int = 303) -> Response:
    """Post/redirect/get for browsers; `HX-Redirect` for htmx, which would otherwise swap the
    redirected page into the fragment it targeted."""
    if htmx:
        return htmx_response(redirect=location)
    return redirect(location, code=code)


def act(action: Callable[[], object], done: str | Callable[[object], tuple[str, str]], back: str) -> Response:
    """A button's post: call the service (`action()`), flash its refusal (the DomainError's own
    message) or `done` (a message, or a function of the result giving message and category), and
    go back to `back` (post/redirect/get)."""
    try:
        result = action()
    except DomainError as error:
        flash(error.message, "error")
    else:
        message, category = done(result) if callable(done) else (done, "success")
        flash(message, category)
    return redirect_to(back)


REFUSAL = "refusal:"  # the flash category of a refusal shown beside its control, not at the top


def refuse_beside(control: str, message: str) -> None:
    """Keep a refusal for the next page, to be shown beside `control` (the id of the element
    that sent the request, which the page renders with `refusal_for(control)`), not among the
    messages at the top."""
    flash(message, REFUSAL + control)


def refusal_for(control: str) -> str | None:
    """The refusal kept for `control` by refuse_beside (a template global). Never read in an
    htmx request: its fragment is not the page the message was kept for."""
    if htmx:
        return None
    wanted = REFUSAL + control
    return next(
        (message for category, message in get_flashed_messages(with_categories=True) if category == wanted), None
    )


def with_anchor(path: str, anchor: str) -> str:
    """`path` (a local address) pointing at the element `anchor` instead of any other."""
    return path.split("#", 1)[0].rstrip("?") + "#" + anchor


def safe_next(target: str | None, default: str | None = None) -> str:
    """A local path to return to after signing in; anything pointing elsewhere is dropped."""
    fallback = default or url_for("main.home")
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target:
        return fallback
    return target


def current_page_path() -> str:
    """The page the user is looking at: for htmx requests that is the page, not the fragment."""
    if htmx and htmx.current_url:
        parts = urlsplit(htmx.current_url)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.full_path.rstrip("?") if request.query_string else request.path


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


class JSONTooDeep(ValueError):
    """A JSON document nested beyond what the parser reads."""

    message = "The JSON is nested too deeply to read."


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, but a document nested too deeply for the parser is bad input like any other
    (a 400, or None for a lenient reader), not a RecursionError."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise JSONTooDeep(JSONTooDeep.message) from None
