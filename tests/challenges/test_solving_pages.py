"""A solver's pages: the panel on the challenge page, accepting the terms, submitting (with and
without htmx), editing with versions kept, withdrawing, the deadline, and who may see a submission."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from app.clock import utcnow
from app.extensions import db
from app.notifications.models import Notification
from challenges.models import Agreement, Submission, SubmissionVersion
from challenges.services import solving
from challenges.terms import terms_digest
from tests.support.challenges import make_challenge, make_submission
from tests.support.factories import add_member, login, make_org, make_user

BODY = "Defer the analytics and map SDKs until first use; measured 2.9 s saved on a 2019 phone."
PDF = b"%PDF-1.4\n%%EOF\n"
CONFIDENTIAL = "The profiler traces are in the data room."
HTMX = {"HX-Request": "true"}


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    client.user = user
    return client


@pytest.fixture
def challenge(app):
    return make_challenge(confidential_material=CONFIDENTIAL)


@pytest.fixture
def solver(app):
    return signed_in(app, make_user(name="Sam Solver"))


def submit(client, challenge, title="Lazy-load the heavy modules", body=BODY, files=(), headers=None, **extra):
    data = {"title": title, "body": body, "files": [(io.BytesIO(content), name) for name, content in files], **extra}
    return client.post(
        f"/challenges/{challenge.id}/submit", data=data, content_type="multipart/form-data", headers=headers or {}
    )


def page(client, challenge) -> str:
    response = client.get(f"/challenges/{challenge.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_anonymous_visitors_are_asked_to_sign_in(client, challenge):
    html = page(client, challenge)
    assert "Sign in to take part" in html
    assert f"/login?next=/challenges/{challenge.id}" in html.replace("%2F", "/")
    assert CONFIDENTIAL not in html


def test_accepting_the_terms_records_version_digest_and_time_and_reveals_the_material(challenge, solver):
    html = page(solver, challenge)
    assert "I accept these terms" in html and "Intellectual property" in html
    assert CONFIDENTIAL not in html and "Submit a solution" not in html
    # The submit page is not a way round the terms.
    response = solver.get(f"/challenges/{challenge.id}/submit")
    assert response.status_code == 303 and solver.get(response.location).status_code == 200
    assert CONFIDENTIAL not in solver.get(f"/challenges/{challenge.id}/submit", follow_redirects=True).get_data(
        as_text=True
    )

    accepted_at = utcnow().replace(microsecond=0)
    with time_machine.travel(accepted_at, tick=False):
        response = solver.post(f"/challenges/{challenge.id}/agreement")
    assert response.status_code == 303 and response.location.endswith(f"/challenges/{challenge.id}#take-part")
    agreement = db.session.query(Agreement).one()
    assert (agreement.user_id, agreement.terms_version) == (solver.user.id, 1)
    assert agreement.terms_digest == terms_digest(challenge) and agreement.accepted_at == accepted_at
    html = page(solver, challenge)
    assert CONFIDENTIAL in html and "Submit a solution" in html and "I accept these terms" not in html
    assert CONFIDENTIAL in solver.get(f"/challenges/{challenge.id}/submit").get_data(as_text=True)


def test_organisation_members_get_no_solver_panel(app, challenge):
    member = signed_in(app, add_member(challenge.organisation, make_user(), "pm"))
    html = page(member, challenge)
    assert "I accept these terms" not in html and "Sign in to take part" not in html
    assert member.get(f"/challenges/{challenge.id}/submit").status_code == 403


def test_submitting_without_javascript(app, challenge, solver):
    judge = add_member(challenge.organisation, make_user(), "judge")
    solver.post(f"/challenges/{challenge.id}/agreement")
    response = submit(solver, challenge, files=[("report.pdf", PDF)])
    submission = db.session.query(Submission).one()
    assert response.status_code == 303 and response.location.endswith(f"/submissions/{submission.id}")
    html = solver.get(response.location).get_data(as_text=True)
    assert "Lazy-load the heavy modules" in html and "report.pdf" in html and "Version 1" in html
    assert "Your submission" in page(solver, challenge)
    # The judges hear of it, with a link to it.
    [note] = db.session.query(Notification).filter_by(user_id=judge.id).all()
    assert challenge.title in note.text and note.link == f"/submissions/{submission.id}"


def test_submitting_with_htmx(challenge, solver):
    solver.post(f"/challenges/{challenge.id}/agreement")
    refused = submit(solver, challenge, title="", headers=HTMX)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "<html" not in html and 'id="submission-form"' in html
    assert "Give your solution a title" in html and db.session.query(Submission).count() == 0
    response = submit(solver, challenge, headers=HTMX)
    submission = db.session.query(Submission).one()
    assert response.headers["HX-Redirect"] == f"/submissions/{submission.id}"


def test_errors_without_javascript_keep_what_was_typed(challenge, solver):
    solver.post(f"/challenges/{challenge.id}/agreement")
    response = submit(solver, challenge, body="Too short")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "at least 20 characters" in html and "Lazy-load the heavy modules" in html


def test_editing_keeps_every_earlier_version_viewable(app, challenge, solver):
    judge = add_member(challenge.organisation, make_user(), "judge")
    solver.post(f"/challenges/{challenge.id}/agreement")
    submit(solver, challenge, files=[("first.pdf", PDF)])
    submission = db.session.query(Submission).one()
    [first_file] = submission.attachments
    edit_page = solver.get(f"/challenges/{challenge.id}/submit").get_data(as_text=True)
    assert "Lazy-load the heavy modules" in edit_page and "first.pdf" in edit_page and "Remove" in edit_page
    response = submit(solver, challenge, title="Lazy-load and cache", remove=[first_file.id])
    assert response.status_code == 303
    db.session.refresh(submission)
    assert submission.version == 2 and submission.title == "Lazy-load and cache" and submission.attachments == []
    html = solver.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Version 1: Lazy-load the heavy modules" in html
    old = solver.get(f"/submissions/{submission.id}/versions/1").get_data(as_text=True)
    assert "Lazy-load the heavy modules" in old and "first.pdf" in old
    assert solver.get(f"/submissions/{submission.id}/versions/7").status_code == 404
    assert db.session.query(Notification).filter_by(user_id=judge.id).count() == 1  # edits are not news


def test_withdrawing(challenge, solver):
    solver.post(f"/challenges/{challenge.id}/agreement")
    submit(solver, challenge)
    submission = db.session.query(Submission).one()
    assert 'data-confirm="Withdraw your submission?' in solver.get(f"/submissions/{submission.id}").get_data(
        as_text=True
    )
    response = solver.post(f"/submissions/{submission.id}/withdraw")
    assert response.status_code == 303
    db.session.refresh(submission)
    assert not submission.is_active and challenge.submission_count == 0
    assert "You withdrew your submission" in page(solver, challenge)
    assert "Submit again" in solver.get(f"/submissions/{submission.id}").get_data(as_text=True)


def test_one_second_late_is_refused_and_changes_nothing(app, challenge, solver):
    solver.post(f"/challenges/{challenge.id}/agreement")
    submit(solver, challenge)
    submission = db.session.query(Submission).one()
    with time_machine.travel(challenge.deadline + timedelta(seconds=1)):
        login(solver, solver.user)  # a month on: the solver signs in again
        response = submit(solver, challenge, title="Arrives too late", files=[("late.pdf", PDF)])
        assert response.status_code == 409
        assert "The deadline has passed" in response.get_data(as_text=True)
        withdraw = solver.post(f"/submissions/{submission.id}/withdraw", follow_redirects=True)
        assert "The deadline has passed" in withdraw.get_data(as_text=True)
        html = page(solver, challenge)
        assert "The deadline has passed" in html and "Edit" not in html.split('id="take-part"')[1]
    db.session.refresh(submission)
    assert submission.version == 1 and submission.title == "Lazy-load the heavy modules" and submission.is_active
    assert db.session.query(SubmissionVersion).count() == 0 and submission.attachments == []
    upload_dir = Path(app.config["UPLOAD_DIR"])
    assert not upload_dir.exists() or not any(p.is_file() for p in upload_dir.rglob("*"))


def test_my_challenges_lists_entries_and_their_state(challenge, solver):
    other = make_challenge(title="Reduce battery drain")
    solver.post(f"/challenges/{challenge.id}/agreement")
    solver.post(f"/challenges/{other.id}/agreement")
    submit(solver, challenge)
    html = solver.get("/me/challenges").get_data(as_text=True)
    assert "My challenges" in html and challenge.title in html and "Reduce battery drain" in html
    assert "version 1" in html and "Submit a solution" in html
    assert 'href="/me/challenges"' in solver.get("/").get_data(as_text=True)


def test_only_the_author_and_the_judges_see_a_submission(app, challenge):
    submission = make_submission(challenge)
    with_file = signed_in(app, submission.solver)
    submit(with_file, challenge, files=[("report.pdf", PDF)])
    submit(with_file, challenge, title="Lazy-load, third take")  # version 2 (with the file) is kept
    [attachment] = db.session.get(Submission, submission.id).attachments
    urls = [
        f"/submissions/{submission.id}",
        f"/submissions/{submission.id}/versions/2",
        f"/submissions/{submission.id}/attachments/{attachment.id}",
        f"/submissions/{submission.id}/versions/2/attachments/{attachment.id}",
    ]
    organisation = challenge.organisation
    other_solver = make_user()
    solving.accept_agreement(other_solver, challenge)
    other_org_judge = add_member(make_org(), make_user(), "judge")
    denied = {
        "anonymous": app.test_client(),
        "other solver": signed_in(app, other_solver),
        "outsider": signed_in(app, make_user()),
        "PM without the judge role": signed_in(app, add_member(organisation, make_user(), "pm")),
        "another organisation's judge": signed_in(app, other_org_judge),
        "site administrator": signed_in(app, make_user(site_admin=True)),
    }
    for who, client in denied.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, (who, url)
            assert b"Lazy-load" not in response.data and b"report.pdf" not in response.data
        assert client.post(f"/submissions/{submission.id}/withdraw").status_code in (404, 303), who
    allowed = {
        "author": with_file,
        "judge": signed_in(app, add_member(organisation, make_user(), "judge")),
        "organisation admin": signed_in(app, organisation.memberships[0].user),
    }
    for who, client in allowed.items():
        for url in urls:
            assert client.get(url).status_code == 200, (who, url)
    assert db.session.get(Submission, submission.id).is_active
