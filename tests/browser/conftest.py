"""Real Chromium (Debian's, driven by Playwright) against the live application.

`page` is a fresh browser context per test (`new_page()` opens more, for a second person) of the
process's one Chromium (the `browser` fixture in tests/conftest.py, shared with journeys elsewhere).
A test fails when any page it opened logs a console error, throws an uncaught exception,
violates the Content Security Policy, or receives a response with status 500 or more.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.support.live_server import LiveServer, live_server  # noqa: F401  (live_server: a fixture)

VIEWPORT = {"width": 1280, "height": 800}
CSP_PREFIX = "CSP violation:"

# Runs in every document before the page's own scripts. Chromium also logs most violations
# itself, but the DOM event is the standard signal (report-only policies included), and the
# saved console.error still works if a page replaces console.error.
REPORT_CSP_VIOLATIONS = f"""
(() => {{
  const report = console.error.bind(console);
  window.addEventListener("securitypolicyviolation", (event) => {{
    report(`{CSP_PREFIX} ${{event.violatedDirective}} blocked ${{event.blockedURI || "inline code"}}`
           + ` in ${{event.sourceFile || event.documentURI}}:${{event.lineNumber}}`);
  }}, true);
}})();
"""


@dataclass
class BrowserProblems:
    """What went wrong in the pages of one test, as seen by the browser and the server."""

    live_server: LiveServer
    contexts: list = field(default_factory=list)
    console_errors: list[tuple[str, str]] = field(default_factory=list)  # (text, source url)
    page_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    # Pages answered with 4xx on purpose (a form with errors, a used link), and htmx requests
    # refused on purpose (the page shows why): Chromium logs "Failed to load resource" for
    # those, which is not a fault of the page.
    client_error_documents: set[str] = field(default_factory=set)

    def watch(self, context) -> None:
        self.contexts.append(context)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        context.on("response", self._on_response)

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append((message.text, message.location.get("url", "")))

    def _on_response(self, response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")
        elif response.status >= 400 and response.request.resource_type in ("document", "xhr", "fetch"):
            self.client_error_documents.add(response.url)

    def flush(self) -> None:
        """Take delivery of events still in flight: Playwright's sync API hands them over
        only while it talks to the browser, so ask each open page something."""
        for context in self.contexts:
            for open_page in context.pages:
                with contextlib.suppress(PlaywrightError):  # closed or crashed: nothing left to deliver
                    open_page.evaluate("0")

    def messages(self) -> list[str]:
        found = []
        for text, url in self.console_errors:
            if text.startswith("Failed to load resource") and url in self.client_error_documents:
                continue
            if text.startswith(CSP_PREFIX):
                found.append(text)
            else:
                kind = "CSP" if "Content Security Policy" in text else "console"
                found.append(f"{kind}: {text} ({url or 'no source'})")
        found += [f"uncaught: {text}" for text in self.page_errors]
        found += [f"server answered {line}" for line in self.server_errors]
        found += [f"server raised {error!r}" for error in self.live_server.errors]
        return found

    def clear(self) -> None:
        """Forget what was seen so far (for a test that provokes a problem on purpose)."""
        self.console_errors.clear()
        self.page_errors.clear()
        self.server_errors.clear()
        self.live_server.errors.clear()


@pytest.fixture
def browser_problems(live_server):
    return BrowserProblems(live_server)


@pytest.fixture
def new_page(browser, live_server, browser_problems):
    """Open a page in a fresh context (its own cookies: another person). Relative URLs
    go to the live server."""

    def open_page():
        context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT)
        context.set_default_timeout(10_000)  # a broken journey fails in seconds, not minutes
        browser_problems.watch(context)
        return context.new_page()

    yield open_page
    for context in browser_problems.contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test itself (not its teardown) when the browser saw a problem; when the test
    failed anyway, attach what the browser saw to its error."""
    problems = item.funcargs.get("browser_problems")
    if problems is None:
        return (yield)
    try:
        result = yield
    except Exception as error:
        problems.flush()
        if found := problems.messages():
            error.add_note("The browser also reported:\n  " + "\n  ".join(found))
        raise
    problems.flush()
    if found := problems.messages():
        pytest.fail("The browser reported problems:\n  " + "\n  ".join(found), pytrace=False)
    return result
