"""Every page that a visitor, a customer, a product manager, a solver and a judge can reach from
the home page, on the demo data, at a phone's width (375 px) and a laptop's (1366 px): none
scrolls sideways, every control can be reached and tapped (on screen once scrolled to, not
covered by another element, menus opened), no id is used twice, and axe-core finds no serious or
critical WCAG 2.1 A/AA violation, nor a heading that skips a level."""

from __future__ import annotations

import os
import re
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from app.auth.models import User
from app.extensions import db
from app.seed import seed
from tests.browser.helpers import sign_in_as

# A group of its own: beside the other browser tests on a second worker, not after them.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("every-page")]

WIDTHS = (375, 1366)
MAX_PAGES = 70  # per kind of user: more than the routes each can reach
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Not pages: machine-readable answers, downloads, and links that act (sign-out is a form).
NOT_A_PAGE = re.compile(
    r"^/(api/|static/|payments/webhook|notifications/bell)|\.(atom|csv|json|txt|xml)$|/download|/export|/attachments?/|/files/"
)

# With UPDATE_SCREENSHOTS=1 the product manager's phone pages become the README's pictures.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "static" / "img"
PHONE_PICTURES = {
    "/": "phone-home.png",
    "/boards/acme/acme-dashboards": "phone-board.png",
    "/ideas/<id>": "phone-idea.png",
    "/challenges/<id>": "phone-challenge.png",
    "/boards/acme/acme-dashboards/demand": "phone-demand.png",
}

PEOPLE = {
    "visitor": None,
    "customer": "hannah.weber@brightmart.example.com",
    "product manager": "priya@acme.example.com",
    "solver": "sam@solvers.example.com",
    "judge": "jonas@acme.example.com",  # the judging pages, which only judges reach
}

# For each visible control: scrolled into view (its scrolling containers too), is it inside the
# viewport, and does a tap at its centre land on it (or its label)?
CHECK_PAGE = """(scope) => {
  const root = document.documentElement, width = root.clientWidth, height = root.clientHeight;
  const problems = [];
  const name = (el) => el ? (el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + " '" + (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 40) + "'") : "nothing";
  if (root.scrollWidth > width + 1) { problems.push(`scrolls sideways: ${root.scrollWidth} px wide in ${width} px`); }
  const ids = new Map();
  if (!scope) {
    for (const el of document.querySelectorAll("[id]")) { ids.set(el.id, (ids.get(el.id) || 0) + 1); }
    for (const [id, count] of ids) { if (count > 1) { problems.push(`id "${id}" used ${count} times`); } }
  }
  const controls = (scope ? document.querySelector(scope) : document).querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])");
  for (const el of controls) {
    if (el.closest(".skip-link, .visually-hidden")) { continue; }
    let box = el.getBoundingClientRect();
    // Not rendered (a closed menu's links, hidden content) or 1 px (visually hidden): nothing to tap.
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true }) || box.width <= 1 || box.height <= 1) {
      continue;
    }
    el.scrollIntoView({ block: "center", inline: "center" });
    box = el.getClientRects()[0];  // a link that wraps: its first line
    if (box.left < -1 || box.right > width + 1 || box.top < -1 || box.bottom > height + 1) {
      problems.push(`out of reach: ${name(el)} at x ${Math.round(box.left)} to ${Math.round(box.right)}`);
      continue;
    }
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    const label = hit && hit.closest("label");
    if (!hit || !(el === hit || el.contains(hit) || (label && el.labels && [...el.labels].includes(label)))) {
      problems.push(`covered: ${name(el)} under ${name(hit)}`);
    }
  }
  window.scrollTo(0, 0);
  return problems;
}"""

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
  // Serious and critical ones, and headings that skip a level (moderate, but they break the outline
  // screen-reader users move by).
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical" || v.id === "heading-order")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}"""


@pytest.fixture
def demo(live_server):
    with live_server.app.app_context():
        for _ in seed():
            pass
        db.session.commit()


def route(path: str) -> str:
    """One representative per route: ids stand for any id."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


def links(page, origin: str) -> list[str]:
    found = []
    for href in page.eval_on_selector_all("a[href]", "els => els.map((el) => el.href)"):
        url = urldefrag(href)[0]
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" == origin and not NOT_A_PAGE.search(parts.path):
            found.append(parts.path)
    return found


def crawl(page, origin: str) -> list[str]:
    """The paths reachable by links from the home page, one per route, breadth first."""
    seen, order, queue = set(), [], deque(["/"])
    while queue and len(order) < MAX_PAGES:
        path = queue.popleft()
        if route(path) in seen:
            continue
        seen.add(route(path))
        response = page.goto(path)
        if response is None or response.status >= 400 or urlsplit(page.url).path != path:
            continue  # refused or sent elsewhere: the page it lands on is crawled on its own
        order.append(path)
        queue.extend(p for p in links(page, origin) if route(p) not in seen)
    return order


def problems_in_menus(page) -> list[str]:
    """Each menu of the header (the same on every page), opened by a tap: can its items be reached?"""
    found = []
    for menu in page.locator("details[data-menu] > summary").all():
        if menu.is_visible():
            menu.click()
            found += [
                f"in the open menu: {problem}" for problem in page.evaluate(CHECK_PAGE, "details[data-menu][open]")
            ]
            page.keyboard.press("Escape")
    return found


def problems_on(page) -> list[str]:
    found = page.evaluate(CHECK_PAGE, None)
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE)
    return found + page.evaluate(RUN_AXE, AXE_TAGS)


@pytest.mark.parametrize("kind", PEOPLE)
def test_every_reachable_page_fits_a_phone_and_a_laptop(demo, new_page, live_server, kind):
    person = PEOPLE[kind] and db.session.scalar(db.select(User).where(User.email == PEOPLE[kind]))
    faults: dict[str, list[str]] = {}
    paths: list[str] = []
    for width in WIDTHS:
        page = new_page()
        page.set_viewport_size({"width": width, "height": 800})
        if person:
            sign_in_as(page, live_server, person)
        paths = paths or crawl(page, live_server.url)
        page.goto("/")
        if found := problems_in_menus(page):
            faults[f"{width} px, the header's menus"] = found
        for path in paths:
            page.goto(path)
            picture = PHONE_PICTURES.get(route(path))
            if picture and width == 375 and kind == "product manager" and os.environ.get("UPDATE_SCREENSHOTS") == "1":
                page.screenshot(path=str(SCREENSHOTS / picture))
            for problem in problems_on(page):
                faults.setdefault(f"{width} px {path}", []).append(problem)
        page.context.close()
    print(kind, len(paths), "pages:", " ".join(paths))
    assert len(paths) >= 5, paths
    assert not faults, f"{kind}: " + "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in faults.items())
