"""The judging page's chart of weighted totals: every submission's label is shown in full, inside
its box and inside the chart, on a phone (375 px) and a laptop (1366 px)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.clock import utcnow
from tests.browser.helpers import sign_in_as
from tests.support.challenges import make_challenge, make_submission
from tests.support.judging import give_scores, make_judge

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLES = (
    "Lazy-load the analytics, maps and payment SDKs after the first frame is drawn",
    "Precompute the home feed on the server and ship it with the app bundle",
    "Short one",
)

# Each label: its text, whether its content overflows its own box, and whether its box leaves the chart's.
LABELS = """() => {
  const chart = document.querySelector(".judging-chart").getBoundingClientRect();
  return [...document.querySelectorAll(".judging-chart-label")].map((el) => {
    const box = el.getBoundingClientRect();
    return {
      text: el.textContent.trim().replace(/\\s+/g, " "),
      overflows: el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight,
      outside: box.left < chart.left - 0.5 || box.right > chart.right + 0.5 || box.width < 1,
    };
  });
}"""


@pytest.mark.parametrize("width", [375, 1366])
def test_judging_chart_labels_are_whole_and_inside_the_chart(page, live_server, width):
    start = utcnow() - timedelta(days=10)
    challenge = make_challenge(None, now=start, deadline=start + timedelta(days=3))
    entries = [make_submission(challenge, title=t, now=start + timedelta(hours=n)) for n, t in enumerate(TITLES, 1)]
    judge = make_judge(challenge)
    for entry, score in zip(entries, (9, 6, 3)):
        give_scores(judge, entry, score, score, score)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_as(page, live_server, judge)

    page.goto(f"/challenges/{challenge.id}/judging")
    expect(page.locator(".judging-chart-label")).to_have_count(3)
    labels = page.evaluate(LABELS)
    for rank, (title, label) in enumerate(zip(TITLES, labels), start=1):
        assert label["text"] == f"#{rank} {title}", label
        assert not label["overflows"], f"label overflows its box at {width} px: {label}"
        assert not label["outside"], f"label leaves the chart at {width} px: {label}"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
