"""Hostile text everywhere a member or a product manager can write, read back in Chromium on
every page that shows it: nothing runs, no dialog opens, nothing breaks the Content Security
Policy (the `page` fixture fails the test on a violation), and template syntax stays text."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from app.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from ideas.moderation import services as moderation
from ideas.services import statuses
from ideas.services.comments import post_comment
from ideas.services.ideas import IdeaInput, edit_idea, submit_idea
from tests.browser.helpers import sign_in_as
from tests.support import factories
from tests.support.reputation import give_points
from tests.support.xss import DISPLAY_NAME, PAYLOADS, PWNED, TAGS, TEMPLATE

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TEMPLATE_TITLE = next(p for p in PAYLOADS if TEMPLATE in p)
MARKDOWN_ATTRIBUTES = sorted({"rel"}.union(*ALLOWED_ATTRIBUTES.values()))

# What a payload that got through would leave in the document, whether or not it ran.
FIND_PROBLEMS = r"""([markdownTags, markdownAttributes]) => {
  const problems = [];
  if (window.__pwned !== undefined) problems.push("a payload set window.__pwned");
  if (document.title === "pwned") problems.push("a payload set the document title");
  const strip = (value) => value.replace(/[\u0000-\u0020\u200b-\u200d\ufeff]/g, "").toLowerCase();
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) problems.push(`event attribute: <${el.localName} ${name}="${attr.value}">`);
      if (["href", "src", "action", "formaction", "data", "xlink:href"].includes(name)
          && /^(javascript|data|vbscript):/.test(strip(attr.value)) && el.localName !== "link") {
        problems.push(`dangerous URL: <${el.localName} ${name}="${attr.value}">`);
      }
    }
  }
  // Elements no template writes (the site's own icons are hidden from assistive technology,
  // its images come from /static/): any of them in the document came from a payload.
  const foreign = "script:not([src]), iframe, frame, object, embed, base, meta[http-equiv], body style, "
    + "math, template, svg:not([aria-hidden='true']), img:not([src^='/static/'])";
  for (const el of document.querySelectorAll(foreign)) problems.push(`element: ${el.outerHTML.slice(0, 120)}`);
  for (const el of document.scripts) {
    if (new URL(el.src).origin !== location.origin) problems.push(`foreign script: ${el.src}`);
  }
  // User content (rendered Markdown) keeps only Markdown's own elements and plain links:
  // no htmx or data attributes, nothing else.
  for (const el of document.querySelectorAll(".prose *")) {
    if (!markdownTags.includes(el.localName)) problems.push(`element in user content: <${el.localName}>`);
    for (const attr of el.attributes) {
      if (!markdownAttributes.includes(attr.name)) {
        problems.push(`attribute in user content: <${el.localName} ${attr.name}>`);
      }
    }
  }
  return problems;
}"""


def watch_dialogs(page) -> list[str]:
    """Every dialog the page opens (alert, confirm, prompt), dismissed at once."""
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message!r} on {page.url}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    # The tripwire works: a dialog opened on purpose is seen (and forgotten).
    page.evaluate("alert('tripwire')")
    assert dialogs and "tripwire" in dialogs.pop()
    return dialogs


def expect_harmless(page, dialogs: list[str], what: str) -> None:
    expect(page.locator("main")).to_be_visible()
    problems = page.evaluate(FIND_PROBLEMS, [sorted(ALLOWED_TAGS), MARKDOWN_ATTRIBUTES])
    problems += [f"dialog: {text}" for text in dialogs]
    assert problems == [], f"{what} ({page.url}):\n  " + "\n  ".join(problems)
    assert page.title() != PWNED


def seed_hostile_board():
    """A board whose description, ideas (titles, bodies, tags), edit history, comments and
    replies, official responses, release notes, flags and held posts are all payloads."""
    pm = factories.make_user(name="Pam Product")
    board = factories.make_board(
        factories.make_org(pm, name="Acme Analytics", slug="acme"), name="Dashboards", slug="dash"
    )
    board.description = "\n\n".join(PAYLOADS)
    author = factories.seasoned_user(name=DISPLAY_NAME)
    member = factories.seasoned_user(name="Mo Member")
    for flagger in (author, member):
        give_points(flagger, board.organisation, 2000)  # a Leader may send 100 reports a day

    ideas = [factories.make_idea(board, author, title=payload, body=payload, tags=TAGS) for payload in PAYLOADS]
    main = ideas[0]
    # Each edit keeps the text before in the history (a third of the corpus: the history page
    # renders revisions as the idea page does, which shows all of it).
    for payload in PAYLOADS[1::3] + PAYLOADS[:1]:
        edit_idea(pm, main, IdeaInput(title=payload, body=payload, tags=TAGS))
    for index, payload in enumerate(PAYLOADS):
        comment = post_comment(member, main, payload)
        post_comment(author, main, payload, parent_id=comment.id)
        if index % 3 == 0:
            moderation.flag(author, "comment", comment.id, "abuse", payload)
    cycle = ["planned", "in_progress", "delivered", "open"]
    for index, (idea, payload) in enumerate(zip(ideas, PAYLOADS)):
        if idea is not main:
            statuses.change_status(pm, idea, cycle[index % 4], message=payload, release_note=payload)
        moderation.flag(member, "idea", idea.id, "spam", payload)
    # A brand-new account's post with a link waits for a moderator: the queue shows it.
    newcomer = factories.make_user(name=DISPLAY_NAME)
    held = submit_idea(
        newcomer,
        board,
        IdeaInput(
            title="<img src=x onerror=alert(1)> https://example.com",
            body="[x](javascript:alert(1)) https://example.com",
        ),
    )
    assert held.visibility == "pending"
    delivered = next(idea for idea in ideas if idea.status == "delivered")
    template_idea = ideas[PAYLOADS.index(TEMPLATE_TITLE)]
    return pm, author, main, delivered, template_idea


def test_hostile_content_is_shown_as_text_everywhere(new_page, live_server):
    pm_user, author, main, delivered, template_idea = seed_hostile_board()
    page = new_page()
    dialogs = watch_dialogs(page)
    sign_in_as(page, live_server, pm_user)  # a product manager sees everything, the queue too

    # The board: description, titles, tags; every page of the list, loaded in place.
    page.goto("/boards/acme/dash")
    expect(page.get_by_role("heading", name="Dashboards", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=TEMPLATE_TITLE, exact=True)).to_be_visible()
    rows = page.locator(".idea-row")
    load_more = page.get_by_role("link", name="Load more ideas")
    while load_more.count():
        shown = rows.count()
        load_more.click()
        expect(rows).not_to_have_count(shown)
    expect(rows).to_have_count(len(PAYLOADS))
    expect(page.locator(".board-side")).to_contain_text(TEMPLATE)
    expect(page.locator("main")).not_to_contain_text("Jinja 49")
    expect_harmless(page, dialogs, "board page")

    # Hostile search words and tag filters are reflected into the filter form.
    page.goto("/boards/acme/dash?" + urlencode({"q": PAYLOADS[0], "tag": PAYLOADS[1]}))
    expect(page.get_by_label("Search ideas")).to_have_value(PAYLOADS[0])
    expect_harmless(page, dialogs, "board page with a hostile search")

    # The idea page: edited title and body, comments and replies, status history.
    page.goto(f"/ideas/{main.id}")
    expect(page.get_by_role("heading", name=f"Comments ({2 * len(PAYLOADS)})")).to_be_visible()
    expect(page.locator(".comment .prose").filter(has_text=TEMPLATE)).to_have_count(2)
    expect(page.locator(".replies .comment-head").first).to_contain_text(DISPLAY_NAME)
    expect_harmless(page, dialogs, "idea page with comments")

    page.goto(f"/ideas/{delivered.id}")
    expect(page.get_by_role("heading", name="Release note")).to_be_visible()
    expect(page.get_by_role("region", name="Official response Delivered")).to_be_visible()
    expect_harmless(page, dialogs, "delivered idea with its official response and release note")

    page.goto(f"/ideas/{template_idea.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"#{template_idea.id} {TEMPLATE_TITLE}")
    expect(page.locator(".idea-main .prose").first).to_contain_text(TEMPLATE)
    expect_harmless(page, dialogs, "idea with template syntax")

    page.goto(f"/ideas/{main.id}/history")
    expect(page.get_by_role("heading", name="Before")).to_have_count(len(PAYLOADS[1::3]) + 1)
    expect_harmless(page, dialogs, "edit history")

    page.goto("/boards/acme/dash/roadmap")
    expect(page.get_by_role("region", name="Delivered")).to_contain_text(delivered.title)
    expect_harmless(page, dialogs, "roadmap")

    page.goto("/boards/acme/dash/changelog")
    expect(page.locator(".changelog-entry").first).to_be_visible()
    expect_harmless(page, dialogs, "changelog")

    page.goto("/boards/acme/dash/moderation")
    expect(page.locator(".queue-item").filter(has_text="Held automatically")).to_have_count(1)
    expect(page.locator(".queue-item")).to_have_count(len(PAYLOADS) + len(PAYLOADS[::3]) + 1)
    expect_harmless(page, dialogs, "moderation queue")

    # "Is it already here?": filled in as the title is typed (htmx), and prefilled from the address.
    page.goto("/boards/acme/dash/new")
    page.get_by_label("Title").press_sequentially("Jinja {{7*7}} <script>")
    similar = page.locator("#similar-ideas")
    expect(similar.get_by_role("link", name=TEMPLATE_TITLE, exact=True)).to_be_visible()
    expect_harmless(page, dialogs, "similar ideas panel")
    page.goto("/boards/acme/dash/new?" + urlencode({"title": PAYLOADS[1]}))
    expect(page.get_by_label("Title")).to_have_value(PAYLOADS[1])
    expect(similar.get_by_role("link")).not_to_have_count(0)
    expect_harmless(page, dialogs, "new idea form with a hostile title")

    # The author hears about status changes and replies, with the titles in the text.
    reader = new_page()
    reader_dialogs = watch_dialogs(reader)
    sign_in_as(reader, live_server, author)
    reader.goto("/notifications/")
    expect(reader.locator(".notification").first).to_be_visible()
    expect_harmless(reader, reader_dialogs, "notifications")
    reader.goto(f"/people/{author.id}")
    expect(reader.get_by_role("heading", level=1)).to_contain_text(DISPLAY_NAME)
    expect_harmless(reader, reader_dialogs, "profile")
