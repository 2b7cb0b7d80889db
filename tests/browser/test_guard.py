"""The browser fixtures catch what a person would not report: console errors, uncaught
exceptions, CSP violations and server errors. Each is provoked here once, then forgiven."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CSP_PREFIX

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_inline_script_is_blocked_and_reported(page, browser_problems):
    page.goto("/")
    with page.expect_console_message(lambda message: message.text.startswith(CSP_PREFIX)):
        page.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "document.title = 'injected'";
            document.body.append(script);
        }""")
    expect(page).not_to_have_title("injected")
    assert any(line.startswith(f"{CSP_PREFIX} script-src") for line in browser_problems.messages())
    browser_problems.clear()


def test_uncaught_exception_and_server_error_are_reported(page, browser_problems, live_server):
    def explode():
        raise RuntimeError("boom")

    live_server.app.add_url_rule("/boom", view_func=explode)  # before its first request
    page.goto("/")
    with page.expect_event("pageerror"):
        page.evaluate("() => { setTimeout(() => { throw new Error('thrown by the page'); }); }")
    page.goto("/boom")

    found = browser_problems.messages()
    assert any(line.startswith("uncaught:") and "thrown by the page" in line for line in found)
    assert any(line.startswith("server answered 500 GET") for line in found)
    assert any("RuntimeError('boom')" in line for line in found)
    browser_problems.clear()


def test_a_page_answered_with_a_client_error_is_not_a_problem(page, browser_problems):
    page.goto("/no-such-page")
    expect(page.get_by_text("We could not find that page.")).to_be_visible()
    browser_problems.flush()
    assert browser_problems.messages() == []
