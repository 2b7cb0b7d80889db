"""A challenge from start to finish in Chromium: an organisation posts it, a solver accepts the
terms and submits with an attachment, a judge scores, the organisation awards, the solver sees
the award and accepts it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from challenges.models import Award, Challenge, Submission
from tests.browser.helpers import sign_in_as
from tests.support import factories
from tests.support.challenges import fund

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLE = "Cut the cold start of our mobile app in half"


def fresh(model, **where):
    db.session.commit()  # end the test's read transaction to see what the server wrote since
    return db.session.scalar(select(model).filter_by(**where))


def test_post_submit_judge_award_and_accept(new_page, live_server, tmp_path):
    org = factories.make_org(name="Acme Analytics", slug="acme")
    admin = org.memberships[0].user
    judge = factories.add_member(org, factories.make_user(name="Jonas Judge"), "judge")
    solver = factories.make_user(name="Sam Solver")

    # The organisation posts the challenge and sends it for funding.
    seeker = new_page()
    sign_in_as(seeker, live_server, admin)
    seeker.goto("/challenges/new/acme")
    seeker.get_by_label("Title").fill(TITLE)
    seeker.get_by_label("Summary").fill("Our app takes six seconds to start on a 2019 phone.")
    seeker.get_by_label("Problem statement").fill("Find a way to **halve** the cold-start time, with evidence.")
    seeker.get_by_label("Reward").fill("5000")
    seeker.get_by_label("Split between winners (%)").fill("100")
    deadline = (utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    seeker.get_by_label("Submission deadline").fill(deadline)
    seeker.get_by_label("Exclusive assignment on award").check()
    criteria = seeker.get_by_label("Criterion")
    criteria.nth(0).fill("Time saved")
    seeker.get_by_label("Weight").nth(0).fill("3")
    criteria.nth(1).fill("Effort to ship")
    seeker.get_by_label("Weight").nth(1).fill("1")
    seeker.get_by_role("button", name="Save draft").click()
    expect(seeker.get_by_role("heading", name=TITLE)).to_be_visible()
    seeker.get_by_role("button", name="Send for funding").click()
    expect(seeker.get_by_text("Awaiting funding").first).to_be_visible()
    challenge = fresh(Challenge, title=TITLE)
    fund(challenge)  # the payment confirmation, through the funding seam

    # A solver accepts the terms and submits a solution with a PDF.
    page = new_page()
    sign_in_as(page, live_server, solver)
    page.goto(f"/challenges/{challenge.id}")
    expect(page.get_by_text("$5,000").first).to_be_visible()
    page.get_by_role("button", name="I accept these terms").click()
    page.get_by_role("link", name="Submit a solution").click()
    page.get_by_label("Title").fill("Lazy-load the map and analytics SDKs")
    page.get_by_label("Your solution").fill("Defer both SDKs until first use: 3.1 s saved on the 2019 phone.")
    report = tmp_path / "measurements.pdf"
    report.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    page.get_by_label("Attach files").set_input_files(str(report))
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("measurements.pdf").first).to_be_visible()
    submission = fresh(Submission, challenge_id=challenge.id)
    assert submission is not None and submission.solver_id == solver.id

    with time_machine.travel(challenge.deadline + timedelta(hours=1), tick=True):
        # A judge scores it.
        judging = new_page()
        sign_in_as(judging, live_server, judge)
        judging.goto(f"/challenges/{challenge.id}/judging")
        expect(judging.get_by_text("Lazy-load the map and analytics SDKs").first).to_be_visible()
        judging.goto(f"/submissions/{submission.id}/score")
        judging.get_by_label("Time saved (weight 3)").fill("9")
        judging.get_by_label("Effort to ship (weight 1)").fill("5")
        judging.get_by_role("button", name="Save my scores").click()
        expect(judging.get_by_role("button", name="Update my scores")).to_be_visible()

        # The organisation awards the whole reward to it.
        seeker.goto(f"/challenges/{challenge.id}/award")
        seeker.get_by_role("button", name="Review the awards").click()
        seeker.get_by_role("button", name="Confirm and notify the winners").click()
        award = fresh(Award, challenge_id=challenge.id)
        assert award is not None and award.amount == 500_000 and award.state == "offered"

        # The solver sees the award and accepts the assignment.
        page.goto(f"/awards/{award.id}")
        expect(page.get_by_text("$5,000").first).to_be_visible()
        page.get_by_role("button", name="Accept the award and assign the rights").click()
        expect(page.get_by_text("Accepted").first).to_be_visible()
        assert fresh(Award, id=award.id).state == "accepted"
        page.goto(f"/solvers/{solver.id}")
        expect(page.get_by_text(TITLE).first).to_be_visible()
