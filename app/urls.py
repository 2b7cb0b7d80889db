"""Absolute links for mail, which may be built outside any request (CLI, jobs)."""

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)


def path_for(endpoint: str, **values) -> str:
    """A site-relative link, inside a request or not (for notifications stored by services)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, **values)


def site_url(path: str) -> str:
    """The absolute address of a site path on the configured BASE_URL, whatever host a request
    came through: what canonical links, OpenGraph tags and the sitemap name."""
    return current_app.config["BASE_URL"].rstrip("/") + path
