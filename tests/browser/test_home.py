"""The home page as a visitor sees it; with UPDATE_SCREENSHOTS=1 it becomes the README picture."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.support import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SCREENSHOT = Path(__file__).resolve().parents[2] / "static" / "img" / "home.png"
ORGANISATIONS = [
    ("Acme Analytics", "Dashboards and reports for teams who measure what they ship."),
    ("Northwind Mobility", "Bike and scooter sharing for mid-sized cities; tell us where to go next."),
    ("Tidewater Energy", "Home batteries and solar. Open challenges on grid forecasting."),
]


def test_home_lists_organisations(page):
    for name, description in ORGANISATIONS:
        factories.make_org(name=name).description = description
    db.session.commit()

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Build what your customers ask for. Reward those who solve it."
    )
    for name, description in ORGANISATIONS:
        card = page.locator(".card").filter(has=page.get_by_role("link", name=name))
        expect(card).to_contain_text(description)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOT))
