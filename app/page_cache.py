"""A short-lived cache of whole pages for anonymous visitors ("micro-cache").

A busy public board is read far more often than it changes, and every anonymous visitor sees
the same page. `@cached_page` keeps the rendered 200 response for PAGE_CACHE_SECONDS (0 turns
it off), in Redis when REDIS_URL is set (shared by every worker), in a bounded in-process dict
otherwise. A page is therefore at most that many seconds stale for visitors who are not signed
in; signed-in members always get a fresh page.

What may differ between two anonymous visitors never enters the cache:
- signed-in visitors, and anyone with flash messages pending, bypass it entirely;
- the CSRF token the page embeds (base.html) is stored as a placeholder and each visitor gets
  their own in its place when served;
- only the body, status and content type are stored, never Set-Cookie: each response's session
  cookie is made for its own visitor by Flask as usual.
The key is host + path + query string + the htmx headers (a fragment and a full page differ).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from functools import wraps

from flask import current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

log = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "\x00csrf-token\x00"  # NUL never occurs in a rendered page
_EXTENSION = "page_cache"


class MemoryStore:
    """Per-process TTL cache, least recently used entries dropped beyond `max_entries`."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, float, str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        now = time.time()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= now:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
        return entry[1:]

    def set(self, key: str, seconds: int, stored_at: float, mimetype: str, body: str) -> None:
        with self._lock:
            self._entries[key] = (stored_at + seconds, stored_at, mimetype, body)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class RedisStore:
    """Shared by every worker and machine; an unreachable Redis means no caching, not errors."""

    PREFIX = "pagecache:"

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)

    def get(self, key: str):
        try:
            raw = self.client.get(self.PREFIX + key)
        except Exception as error:
            log.warning("page cache read failed: %s", error)
            return None
        if raw is None:
            return None
        stored_at, mimetype, body = raw.decode().split("\n", 2)
        return float(stored_at), mimetype, body

    def set(self, key: str, seconds: int, stored_at: float, mimetype: str, body: str) -> None:
        try:
            self.client.set(self.PREFIX + key, f"{stored_at}\n{mimetype}\n{body}".encode(), ex=seconds)
        except Exception as error:
            log.warning("page cache write failed: %s", error)

    def clear(self) -> None:
        try:
            for key in self.client.scan_iter(self.PREFIX + "*"):
                self.client.delete(key)
        except Exception as error:
            log.warning("page cache clear failed: %s", error)


def store():
    """The app's store, made on first use (after gunicorn forked, so no shared sockets)."""
    extensions = current_app.extensions
    if _EXTENSION not in extensions:
        url = current_app.config.get("REDIS_URL")
        extensions[_EXTENSION] = RedisStore(url) if url else MemoryStore(current_app.config["PAGE_CACHE_MAX_ENTRIES"])
    return extensions[_EXTENSION]


def _cacheable_request() -> bool:
    if request.method != "GET" or "_flashes" in session:
        return False
    return not current_user.is_authenticated


def _key() -> str:
    return "\n".join(
        (request.host, request.full_path, request.headers.get("HX-Request", ""), request.headers.get("HX-Boosted", ""))
    )


def cached_page(view):
    """Serve `view`'s page from the cache to anonymous visitors (see the module docstring)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        seconds = current_app.config["PAGE_CACHE_SECONDS"]
        if not seconds or not _cacheable_request():
            return view(*args, **kwargs)
        key = _key()
        cache = store()
        hit = cache.get(key)
        if hit is not None:
            return _serve(*hit)
        response = current_app.make_response(view(*args, **kwargs))
        if _storable(response):
            body = response.get_data(as_text=True)
            token = g.get("csrf_token")
            if token:
                body = body.replace(token, CSRF_PLACEHOLDER)
            cache.set(key, seconds, time.time(), response.mimetype, body)
        return response

    return wrapper


def _storable(response) -> bool:
    from flask.globals import request_ctx

    return (
        response.status_code == 200
        and not response.direct_passthrough
        and not response.is_streamed
        and "Set-Cookie" not in response.headers  # set by the view itself: visitor-specific
        and not request_ctx.flashes
    )  # the page showed messages meant for this visitor


def _serve(stored_at: float, mimetype: str, body: str):
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, generate_csrf())
    response = current_app.response_class(body, mimetype=mimetype)
    response.vary.add("HX-Request")
    response.headers["Age"] = str(max(int(time.time() - stored_at), 0))
    return response
