"""Who gets what, for every challenge and submission address (pages, downloads, API) and every
kind of visitor. Where the answer is 404, nothing of the confidential content may be in it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.extensions import db
from challenges.models import Attachment
from challenges.services import awards, posting
from tests.support.challenges import make_challenge
from tests.support.factories import add_member, login, make_org, make_user, token_client

SECRET_TITLE = "Quantum-tunnelling cache warmer"
SECRET_BODY = "Warm the cache from a side channel nobody else has thought of: 4.1 s saved."
SECRET_FILE = b"%PDF-1.4\nsecret-design-notes\n%%EOF\n"
CONFIDENTIAL = "The profiler traces are in data room 7."
DRAFT_TITLE = "An unpublished draft about warehouse robots"

ROLES = ("anonymous", "other_solver", "author", "other_org_member", "pm", "judge", "admin", "site_admin")


@pytest.fixture
def world(app):
    org = make_org()
    admin = org.memberships[0].user
    people = {
        "other_solver": make_user(name="Other Solver"),
        "author": make_user(name="Author Solver"),
        "other_org_member": make_org().memberships[0].user,
        "pm": add_member(org, None, "pm"),
        "judge": add_member(org, None, "judge"),
        "admin": admin,
        "site_admin": make_user(site_admin=True),
    }
    challenge = make_challenge(org, confidential_material=CONFIDENTIAL, split=[100])
    draft = make_challenge(org, state="draft", title=DRAFT_TITLE)
    author = app.test_client()
    login(author, people["author"])
    assert author.post(f"/challenges/{challenge.id}/agreement").status_code in (200, 302, 303)
    answer = author.post(
        f"/challenges/{challenge.id}/submit",
        content_type="multipart/form-data",
        data={"title": SECRET_TITLE, "body": SECRET_BODY, "files": [(io.BytesIO(SECRET_FILE), "design.pdf")]},
    )
    assert answer.status_code in (200, 302, 303), answer.get_data(as_text=True)[:500]
    attachment = db.session.scalar(select(Attachment))
    submission = attachment.submission
    # Judged and awarded, so the award page exists too.
    with time_machine.travel(challenge.deadline + timedelta(hours=1)):
        posting.start_judging(admin, challenge)
        [award] = awards.award(admin, challenge, [(submission.id, challenge.funded_amount)])
    return dict(
        people=people, challenge=challenge, draft=draft, submission=submission, attachment=attachment, award=award
    )


def visitor(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        login(client, world["people"][role])
    return client


def addresses(w):
    c, d, s, a, award = w["challenge"].id, w["draft"].id, w["submission"].id, w["attachment"].id, w["award"].id
    return {
        "challenge page": f"/challenges/{c}",
        "draft page": f"/challenges/{d}",
        "edit": f"/challenges/{c}/edit",
        "judging": f"/challenges/{c}/judging",
        "award page": f"/challenges/{c}/award",
        "submission": f"/submissions/{s}",
        "version 1": f"/submissions/{s}/versions/1",
        "download": f"/submissions/{s}/attachments/{a}",
        "scorecard": f"/submissions/{s}/score",
        "award offer": f"/awards/{award}",
        "api submission": f"/api/v1/submissions/{s}",
        "api scores": f"/api/v1/submissions/{s}/scores",
        "api draft": f"/api/v1/challenges/{d}",
    }


# Expected status per address and role, in ROLES order. "login" is a redirect to the sign-in page.
EXPECTED = {
    #                  anonymous other_solver author other_org pm   judge admin site_admin
    "challenge page": (200, 200, 200, 200, 200, 200, 200, 200),
    "draft page": (404, 404, 404, 404, 200, 200, 200, 404),
    # Awarded: the managers are sent back to the challenge page (it can no longer be edited).
    "edit": ("login", 404, 404, 404, 303, 403, 303, 404),
    "judging": (404, 404, 404, 404, 403, 200, 200, 404),
    "award page": (404, 404, 404, 404, 200, 403, 200, 404),
    "submission": (404, 404, 200, 404, 404, 200, 200, 404),
    "version 1": (404, 404, 404, 404, 404, 404, 404, 404),  # no edit yet: no v1 snapshot
    "download": (404, 404, 200, 404, 404, 200, 200, 404),
    "scorecard": (404, 404, 404, 404, 404, 200, 200, 404),
    "award offer": (404, 404, 200, 404, 404, 404, 404, 404),
    "api submission": (401, 404, 200, 404, 404, 200, 200, 404),
    "api scores": (401, 404, 404, 404, 404, 200, 200, 404),
    "api draft": (401, 404, 404, 404, 200, 200, 200, 404),
}


def _api(app, world, role, path):
    if role == "anonymous":
        return app.test_client().get(path)
    return token_client(app, world["people"][role]).get(path)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, role):
    client = visitor(app, world, role)
    seen = {}
    for name, path in addresses(world).items():
        response = _api(app, world, role, path) if path.startswith("/api/") else client.get(path)
        body = response.get_data()
        status = response.status_code
        if status in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
            status = "login"
        seen[name] = status
        if status in (404, 401, 403, "login"):
            for secret in (SECRET_TITLE, SECRET_BODY, DRAFT_TITLE):
                assert secret.encode() not in body, f"{name} leaks to {role}"
            assert b"secret-design-notes" not in body
    expected = {name: row[ROLES.index(role)] for name, row in EXPECTED.items()}
    assert seen == expected


@pytest.mark.parametrize("role", ROLES)
def test_the_challenge_page_shows_submissions_and_confidential_material_only_to_those_allowed(app, world, role):
    html = visitor(app, world, role).get(f"/challenges/{world['challenge'].id}").get_data(as_text=True)
    assert (SECRET_BODY in html) is False  # bodies are never on the public page
    may_see_confidential = role in ("author", "pm", "judge", "admin")
    assert (CONFIDENTIAL in html) is may_see_confidential


def test_downloads_are_attachments_never_inline(app, world):
    response = visitor(app, world, "judge").get(addresses(world)["download"])
    assert response.status_code == 200 and response.data == SECRET_FILE
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", ("other_solver", "other_org_member", "pm", "site_admin"))
def test_api_submission_lists_hold_only_what_the_caller_may_see(app, world, role):
    answer = token_client(app, world["people"][role]).get(f"/api/v1/challenges/{world['challenge'].id}/submissions")
    assert answer.status_code in (200, 404)
    assert SECRET_TITLE.encode() not in answer.data and SECRET_BODY.encode() not in answer.data


@pytest.mark.parametrize("role, sees", (("author", True), ("judge", True), ("admin", True)))
def test_api_submission_lists_for_author_and_judges(app, world, role, sees):
    answer = token_client(app, world["people"][role]).get(f"/api/v1/challenges/{world['challenge'].id}/submissions")
    assert answer.status_code == 200 and (SECRET_TITLE.encode() in answer.data) is sees


def test_a_withdrawn_submission_is_hidden_from_the_judges(app, db):
    from challenges.services import solving
    from tests.support.challenges import make_submission

    challenge = make_challenge()
    judge = add_member(challenge.organisation, None, "judge")
    submission = make_submission(challenge, title=SECRET_TITLE)
    client = app.test_client()
    login(client, judge)
    assert client.get(f"/submissions/{submission.id}").status_code == 200
    solving.withdraw(submission.solver, submission)
    answer = client.get(f"/submissions/{submission.id}")
    assert answer.status_code == 404 and SECRET_TITLE.encode() not in answer.data
    author = app.test_client()
    login(author, submission.solver)
    assert author.get(f"/submissions/{submission.id}").status_code == 200
