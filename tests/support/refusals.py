"""Reading where a page shows a refusal: beside its control, or among the messages at the top."""

from __future__ import annotations

import re


def beside(html: str, control: str) -> str:
    """The text of the refusal slot of `control` (app.web.refuse_beside), '' when it is empty."""
    found = re.search(rf'<p class="control-error" id="{re.escape(control)}-error"[^>]*>(.*?)</p>', html, re.S)
    assert found, f"no refusal slot for {control!r} on the page"
    return found.group(1).strip()


def at_top(html: str) -> str:
    """The messages flashed at the top of the page."""
    start = html.index('id="flashes"')
    return html[start : html.index('<main id="main"', start)]
