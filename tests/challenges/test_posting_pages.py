"""Posting a challenge through its pages: the form (good and bad input), editing, the lifecycle
buttons, the organisation's list, and who may do what."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
import time_machine

from app.clock import utcnow
from app.extensions import db
from challenges.models import Challenge, ChallengeIdea, DeadlineChange, State
from challenges.services import posting
from tests.support.challenges import make_challenge, make_submission
from tests.support.factories import add_member, login, make_board, make_idea, make_org, make_user


def _form(**overrides) -> dict:
    deadline = (utcnow() + timedelta(days=20)).replace(microsecond=0)
    data = {
        "title": "Recycle the packaging foam",
        "summary": "Find a use for 40 tonnes of foam a year.",
        "statement": "We throw away **40 tonnes** of polystyrene foam each year. Find a use for it.",
        "type": "rtp",
        "reward": "12,500",
        "currency": "eur",
        "split": "70, 30",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "timezone": "",
        "ip_terms": "exclusive",
        "eligibility": "Residents of the EU.",
        "confidential_material": "Supplier list in the data room.",
        "acceptance_days": "10",
        "idea_ids": "",
        "criteria-0-name": "Cost",
        "criteria-0-weight": "3",
        "criteria-0-description": "Per tonne",
        "criteria-1-name": "Scale",
        "criteria-1-weight": "1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def pm_client(app, org):
    pm = add_member(org, None, "pm")
    client = app.test_client()
    login(client, pm)
    client.user = pm
    return client


def test_a_pm_posts_a_draft_through_the_form(pm_client, org):
    assert "Save draft" in pm_client.get("/challenges/new/acme").get_data(as_text=True)
    response = pm_client.post("/challenges/new/acme", data=_form())
    assert response.status_code == 303
    challenge = db.session.query(Challenge).one()
    assert response.headers["Location"].endswith(f"/challenges/{challenge.id}")
    assert challenge.state == State.DRAFT and challenge.reward_amount == 1_250_000 and challenge.currency == "eur"
    assert [(c.name, c.weight) for c in challenge.criteria] == [("Cost", 3), ("Scale", 1)]
    assert [p.percent for p in challenge.prizes] == [70, 30] and challenge.acceptance_days == 10
    page = pm_client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "€12,500" in page and "€8,750" in page and "€3,750" in page
    assert "Send for funding" in page and "Supplier list" in page  # members see confidential material


def test_the_deadline_is_read_in_the_posters_time_zone(pm_client):
    pm_client.post("/challenges/new/acme", data=_form(deadline="2031-03-01T09:00", timezone="Europe/Paris"))
    challenge = db.session.query(Challenge).one()
    assert challenge.deadline == challenge.deadline.replace(
        year=2031, month=3, day=1, hour=8, minute=0, second=0, microsecond=0, tzinfo=UTC
    )
    page = pm_client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "01 Mar 2031, 08:00 UTC" in page and 'datetime="2031-03-01T08:00:00+00:00"' in page


def test_without_a_zone_the_deadline_is_utc(pm_client):
    pm_client.post("/challenges/new/acme", data=_form(deadline="2031-03-01T09:00", timezone="Not/AZone"))
    assert db.session.query(Challenge).one().deadline.hour == 9


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"reward": "lots"}, "Enter an amount like 5000"),
        ({"reward": "10"}, "The reward must be between"),
        ({"split": "50, 30"}, "must add up to 100"),
        ({"split": "sixty"}, "whole percentages"),
        ({"deadline": "tomorrow"}, "Give a date and time"),
        ({"deadline": (utcnow() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")}, "at least a day from now"),
        (
            {
                "criteria-0-name": "",
                "criteria-0-weight": "",
                "criteria-0-description": "",
                "criteria-1-name": "",
                "criteria-1-weight": "",
            },
            "Add at least one judging criterion",
        ),
        ({"criteria-2-name": "Speed"}, "Give the criterion a name and a weight"),
        ({"title": ""}, "Give the challenge a title"),
        ({"reward": "9e999999"}, "Enter an amount like 5000"),
        ({"reward": "1" * 40}, "Enter an amount like 5000"),
        ({"idea_ids": "²"}, "Write idea numbers"),
        ({"idea_ids": "99999999999999999999"}, "Write idea numbers"),
        ({"deadline": "0001-01-01T00:00", "timezone": "Asia/Tokyo"}, "Give a date and time"),
        ({"deadline": "9999-12-31T23:59", "timezone": "America/Los_Angeles"}, "Give a date and time"),
        ({"criteria-0-weight": "9" * 400}, "That number is too large"),
        ({"acceptance_days": "9" * 400}, "That number is too large"),
        # A time-zone name longer than a file name can be is read as UTC, like any unknown one.
        ({"timezone": "Europe/" + "x" * 400, "title": ""}, "Give the challenge a title"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_written(pm_client, overrides, message):
    response = pm_client.post("/challenges/new/acme", data=_form(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="Recycle the packaging foam"' in page or overrides.get("title") == ""  # input kept
    assert db.session.query(Challenge).count() == 0


def test_preview_renders_the_statement_and_writes_nothing(pm_client):
    page = pm_client.post("/challenges/new/acme", data=_form(action="preview")).get_data(as_text=True)
    assert "<strong>40 tonnes</strong>" in page and db.session.query(Challenge).count() == 0
    fragment = pm_client.post(
        "/challenges/preview", data={"statement": "Some *stress* <script>x</script>"}, headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "<em>stress</em>" in fragment and "<script>" not in fragment and "<html" not in fragment


def test_turning_an_idea_into_a_challenge(pm_client, org):
    board = make_board(org)
    idea = make_idea(board, title="Compostable packaging please")
    page = pm_client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Turn this idea into a challenge" in page
    chooser = pm_client.get(f"/challenges/new?idea={idea.id}")
    assert chooser.status_code == 303 and chooser.headers["Location"].endswith(f"/challenges/new/acme?idea={idea.id}")
    form = pm_client.get(f"/challenges/new/acme?idea={idea.id}").get_data(as_text=True)
    assert 'value="Compostable packaging please"' in form and f'value="{idea.id}"' in form
    pm_client.post("/challenges/new/acme", data=_form(idea_ids=str(idea.id)))
    challenge = db.session.query(Challenge).one()
    assert db.session.query(ChallengeIdea).filter_by(challenge_id=challenge.id, idea_id=idea.id).count() == 1
    assert "Compostable packaging please" in pm_client.get(f"/challenges/{challenge.id}").get_data(as_text=True)


@pytest.mark.parametrize("idea", ["%C2%B2", "99999999999999999999", "-1", "0"])
def test_a_bad_idea_number_in_the_address_is_ignored(pm_client, idea):
    assert pm_client.get(f"/challenges/new?idea={idea}").status_code == 303  # straight to the only organisation
    form = pm_client.get(f"/challenges/new/acme?idea={idea}")
    assert form.status_code == 200 and 'name="title"' in form.get_data(as_text=True)


def test_an_extension_to_a_time_that_cannot_be_stored_is_refused(org_admin_client, org):
    challenge = make_challenge(org)
    old = challenge.deadline
    refused = org_admin_client.post(
        f"/challenges/{challenge.id}/extend",
        data={"deadline": "9999-12-31T23:59", "timezone": "America/Los_Angeles", "reason": "Forever"},
    )
    assert refused.status_code == 422 and "Give a date and time" in refused.get_data(as_text=True)
    assert db.session.get(Challenge, challenge.id).deadline == old and db.session.query(DeadlineChange).count() == 0


def test_the_idea_button_is_for_product_managers_only(user_client, org):
    idea = make_idea(make_board(org))
    assert "Turn this idea into a challenge" not in user_client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_chooser_lists_the_organisations_a_user_can_post_for(app):
    user = make_user()
    _first, _second = make_org(owner=user, name="First Co"), make_org(owner=user, name="Second Co")
    add_member(make_org(name="Judged Co"), user, "judge")
    client = app.test_client()
    login(client, user)
    page = client.get("/challenges/new").get_data(as_text=True).split('id="main"')[1]
    assert "First Co" in page and "Second Co" in page and "Judged Co" not in page
    nobody = app.test_client()
    login(nobody, make_user())
    assert "you are neither" in nobody.get("/challenges/new").get_data(as_text=True)


def test_permissions_on_management_pages(app, org):
    challenge = make_challenge(org, state="draft")
    outsider, judge = app.test_client(), app.test_client()
    login(outsider, make_user())
    login(judge, add_member(org, None, "judge"))
    for path in (
        f"/challenges/{challenge.id}/edit",
        f"/challenges/{challenge.id}/extend",
        f"/challenges/{challenge.id}/cancel",
    ):
        assert outsider.get(path).status_code == 404
        assert judge.get(path).status_code == 403
    assert outsider.get("/challenges/new/acme").status_code == 404
    assert judge.get("/challenges/new/acme").status_code == 403
    assert outsider.post(f"/challenges/{challenge.id}/send-for-funding").status_code == 404
    assert judge.post(f"/challenges/{challenge.id}/send-for-funding").status_code == 403
    assert judge.post("/challenges/new/acme", data=_form()).status_code == 403
    assert db.session.get(Challenge, challenge.id).state == State.DRAFT
    assert db.session.query(Challenge).count() == 1
    # The organisation's list is for members.
    assert outsider.get("/orgs/acme/challenges").status_code == 404
    listing = judge.get("/orgs/acme/challenges").get_data(as_text=True)
    assert challenge.title in listing and "Draft" in listing and "New challenge" not in listing


def test_lifecycle_buttons(org_admin_client, org):
    challenge = make_challenge(org, state="draft")
    cid = challenge.id
    assert org_admin_client.post(f"/challenges/{cid}/send-for-funding").status_code == 303
    page = org_admin_client.get(f"/challenges/{cid}").get_data(as_text=True)
    assert "the reward must be paid in before the challenge opens" in page
    assert db.session.get(Challenge, cid).state == State.AWAITING_FUNDING
    org_admin_client.post(f"/challenges/{cid}/back-to-draft")
    assert db.session.get(Challenge, cid).state == State.DRAFT
    # A draft cancels without a reason.
    assert org_admin_client.post(f"/challenges/{cid}/cancel", data={"reason": ""}).status_code == 303
    assert db.session.get(Challenge, cid).state == State.CANCELLED


def test_start_judging_only_after_the_deadline(org_admin_client, org):
    challenge = make_challenge(org, deadline=utcnow() + timedelta(days=2))
    page = org_admin_client.post(f"/challenges/{challenge.id}/start-judging", follow_redirects=True)
    assert "Judging starts once the deadline has passed" in page.get_data(as_text=True)
    assert db.session.get(Challenge, challenge.id).state == State.OPEN
    with time_machine.travel(utcnow() + timedelta(days=3)):
        assert "Start judging" in org_admin_client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
        org_admin_client.post(f"/challenges/{challenge.id}/start-judging")
    assert db.session.get(Challenge, challenge.id).state == State.JUDGING


def test_extend_the_deadline_and_refuse_shortening(org_admin_client, org):
    challenge = make_challenge(org)
    solver = make_user()
    make_submission(challenge, solver)
    old = challenge.deadline
    earlier = (old - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = org_admin_client.post(
        f"/challenges/{challenge.id}/extend", data={"deadline": earlier, "timezone": "UTC", "reason": "Oops"}
    )
    assert refused.status_code == 422 and "Choose a time after the current deadline" in refused.get_data(as_text=True)
    assert db.session.get(Challenge, challenge.id).deadline == old and db.session.query(DeadlineChange).count() == 0
    later = (old + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    ok = org_admin_client.post(
        f"/challenges/{challenge.id}/extend",
        data={"deadline": later, "timezone": "UTC", "reason": "More data arrived late"},
    )
    assert ok.status_code == 303
    page = org_admin_client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "More data arrived late" in page and "Deadline changes" in page
    from app.notifications.models import Notification

    note = db.session.query(Notification).filter_by(user_id=solver.id, kind="challenge.deadline").one()
    assert "deadline extended to" in note.text


def test_cancelling_an_open_challenge_needs_a_reason_and_tells_solvers(org_admin_client, org):
    challenge = make_challenge(org)
    solver = make_user()
    make_submission(challenge, solver)
    form = org_admin_client.get(f"/challenges/{challenge.id}/cancel").get_data(as_text=True)
    assert "refunded" in form and "data-confirm" in form
    refused = org_admin_client.post(f"/challenges/{challenge.id}/cancel", data={"reason": "no"})
    assert refused.status_code == 422 and "Give a reason" in refused.get_data(as_text=True)
    assert db.session.get(Challenge, challenge.id).state == State.OPEN
    org_admin_client.post(f"/challenges/{challenge.id}/cancel", data={"reason": "The product line was sold."})
    assert db.session.get(Challenge, challenge.id).state == State.CANCELLED
    from app.notifications.models import Notification

    assert "The product line was sold." in db.session.query(Notification).filter_by(user_id=solver.id).one().text
    solver_client = org_admin_client.application.test_client()
    login(solver_client, solver)
    page = solver_client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "Cancelled." in page and "The product line was sold." in page


def test_editing_a_draft_changes_everything(org_admin_client, org):
    challenge = make_challenge(org, state="draft")
    form = org_admin_client.get(f"/challenges/{challenge.id}/edit").get_data(as_text=True)
    assert 'value="5000.00"' in form and 'value="60, 30, 10"' in form and "Feasibility" in form
    response = org_admin_client.post(
        f"/challenges/{challenge.id}/edit", data=_form(title="A better title here", timezone="UTC")
    )
    assert response.status_code == 303
    stored = db.session.get(Challenge, challenge.id)
    assert stored.title == "A better title here" and stored.reward_amount == 1_250_000 and len(stored.criteria) == 2


def test_editing_an_open_challenge_changes_only_the_wording(org_admin_client, org):
    challenge = make_challenge(org)
    form = org_admin_client.get(f"/challenges/{challenge.id}/edit").get_data(as_text=True)
    assert "only its wording can change" in form and 'name="reward"' not in form
    response = org_admin_client.post(
        f"/challenges/{challenge.id}/edit",
        data=_form(title="Clearer wording of the title", reward="1", split="100", eligibility=challenge.eligibility),
    )
    assert response.status_code == 303
    stored = db.session.get(Challenge, challenge.id)
    assert stored.title == "Clearer wording of the title"
    assert stored.reward_amount == 500_000 and [p.percent for p in stored.prizes] == [60, 30, 10]
    bad = org_admin_client.post(f"/challenges/{challenge.id}/edit", data=_form(title="x"))
    assert bad.status_code == 422 and db.session.get(Challenge, challenge.id).title == "Clearer wording of the title"


def test_a_judging_challenge_cannot_be_edited(org_admin_client, org):
    challenge = make_challenge(org, deadline=utcnow() + timedelta(days=2))
    with time_machine.travel(utcnow() + timedelta(days=3)):
        posting.start_judging(org.memberships[0].user, challenge)
        response = org_admin_client.get(f"/challenges/{challenge.id}/edit", follow_redirects=True)
    assert "can no longer be edited" in response.get_data(as_text=True)


def test_org_page_links_to_its_challenges(org_admin_client, client, org):
    page = org_admin_client.get("/orgs/acme").get_data(as_text=True)
    assert "/orgs/acme/challenges" in page and "/challenges/new/acme" in page
    assert "/orgs/acme/challenges" not in client.get("/orgs/acme").get_data(as_text=True)
