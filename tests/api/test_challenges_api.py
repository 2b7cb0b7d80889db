"""The challenges resources of the JSON API as clients with personal access tokens see them:
posting and the lifecycle, the agreement and the confidential material, submissions that answer
only to their author and the organisation's judges, the deadline kept to the second."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from app.clock import utcnow
from app.extensions import db as _db
from challenges.models import Attachment, Challenge, SubmissionVersion
from tests.support.challenges import fund, make_challenge, make_submission
from tests.support.factories import add_member, make_org, make_user, token_client

ORG = "acme"


def challenge_body(**overrides) -> dict:
    body = {
        "organisation": ORG,
        "title": "Halve the cold-start time",
        "summary": "Our app starts too slowly on old phones.",
        "statement": "The app takes 6 seconds to start on a 2019 phone. **Find a way** to halve it.",
        "type": "rtp",
        "reward_amount": 500_000,
        "currency": "usd",
        "deadline": (utcnow() + timedelta(days=30)).isoformat(),
        "criteria": [{"name": "Feasibility", "weight": 3}, {"name": "Impact", "weight": 2, "description": "Seconds"}],
        "split": [70, 30],
        "confidential_material": "The profiler traces are in **the data room**.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def acme(db):
    return make_org(name="Acme Analytics", slug=ORG)


@pytest.fixture
def people(app, acme):
    """A token client per role."""
    owner = acme.memberships[0].user  # admin and product manager
    return {
        "owner": token_client(app, owner),
        "judge": token_client(app, add_member(acme, None, "judge")),
        "pm": token_client(app, add_member(acme, None, "pm")),  # a product manager, not a judge
        "solver": token_client(app, make_user(name="Sol Solver")),
        "rival": token_client(app, make_user(name="Rita Rival")),
        "other_org": token_client(app, add_member(make_org(slug="globex"), None, "pm", "judge")),
    }


@pytest.fixture
def open_challenge(acme):
    return make_challenge(acme)


def test_a_posted_draft_is_seen_by_its_organisation_only(client, people, db):
    owner = people["owner"]
    response = owner.post("/api/v1/challenges", json=challenge_body())
    assert response.status_code == 201, response.get_json()
    posted = response.get_json()
    assert posted["phase"] == "draft" and posted["reward"]["display"] == "$5,000"
    assert [p["amount"]["amount"] for p in posted["prizes"]] == [350_000, 150_000]
    assert [c["name"] for c in posted["criteria"]] == ["Feasibility", "Impact"]
    assert posted["you"]["can_manage"] is True
    path = f"/api/v1/challenges/{posted['id']}"

    assert people["pm"].get(path).status_code == 200
    for outsider in ("solver", "other_org"):
        answer = people[outsider].get(path)
        assert answer.status_code == 404 and "Halve" not in answer.get_data(as_text=True)
    assert client.get(path).status_code == 401

    listed = owner.get("/api/v1/challenges", query_string={"organisation": ORG}).get_json()["data"]
    assert [c["id"] for c in listed] == [posted["id"]]
    assert people["solver"].get("/api/v1/challenges", query_string={"organisation": ORG}).get_json()["data"] == []
    assert people["solver"].get("/api/v1/challenges").get_json()["data"] == []


def test_posting_refuses_bad_input_and_writes_nothing(people, db):
    owner = people["owner"]
    naive = owner.post("/api/v1/challenges", json=challenge_body(deadline="2031-01-31T17:00:00"))
    assert naive.status_code == 422
    assert "offset" in naive.get_json()["error"]["fields"]["deadline"][0]
    for bad in (
        challenge_body(reward_amount="5000"),
        challenge_body(currency="xyz"),
        challenge_body(criteria=[]),
        challenge_body(split=[50, 60]),
        challenge_body(deadline=(utcnow() + timedelta(hours=2)).isoformat()),
        challenge_body(surprise=True),
    ):
        assert owner.post("/api/v1/challenges", json=bad).status_code == 422, bad
    assert people["judge"].post("/api/v1/challenges", json=challenge_body()).status_code == 403
    assert people["solver"].post("/api/v1/challenges", json=challenge_body()).status_code == 404
    assert _db.session.query(Challenge).count() == 0


def test_lifecycle_through_the_api(people, acme, db):
    owner = people["owner"]
    challenge = make_challenge(acme, state="draft")
    path = f"/api/v1/challenges/{challenge.id}"
    assert owner.post(f"{path}/request-funding").get_json()["phase"] == "awaiting_funding"
    assert people["pm"].post(f"{path}/back-to-draft").status_code == 200
    owner.post(f"{path}/request-funding")
    fund(challenge)
    assert [c["id"] for c in people["solver"].get("/api/v1/challenges").get_json()["data"]] == [challenge.id]

    refused = owner.patch(path, json={"reward_amount": 100_000})
    assert refused.status_code == 409 and "reward_amount" in refused.get_json()["error"]["fields"]
    assert people["judge"].patch(path, json={"title": "A judge's new title"}).status_code == 403

    shorter = owner.post(
        f"{path}/extend-deadline", json={"deadline": (challenge.deadline - timedelta(days=1)).isoformat()}
    )
    assert shorter.status_code == 422 and "never shortened" in shorter.get_json()["error"]["message"]
    later = challenge.deadline + timedelta(days=7)
    extended = owner.post(f"{path}/extend-deadline", json={"deadline": later.isoformat(), "reason": "Holidays"})
    assert extended.status_code == 200
    assert extended.get_json()["deadline_changes"][0]["reason"] == "Holidays"

    assert owner.post(f"{path}/cancel", json={}).status_code == 422
    cancelled = owner.post(f"{path}/cancel", json={"reason": "The problem was solved in house."})
    assert cancelled.get_json()["phase"] == "cancelled"


def test_editing_a_draft_merges_the_patch_with_what_is_stored(people, acme, db):
    challenge = make_challenge(acme, state="draft")
    edited = people["owner"].patch(
        f"/api/v1/challenges/{challenge.id}", json={"title": "A sharper title for it", "split": [100]}
    )
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["title"] == "A sharper title for it" and edited.get_json()["winner_count"] == 1
    assert edited.get_json()["summary"] == challenge.summary  # left out, kept


def test_confidential_material_shows_after_the_agreement(people, open_challenge):
    solver, path = people["solver"], f"/api/v1/challenges/{open_challenge.id}"
    before = solver.get(path).get_json()
    assert before["confidential_material"] is None and "data room" not in str(before)
    terms = solver.get(f"{path}/agreement").get_json()
    assert terms["accepted"] is False and any("Intellectual property" in p for p in terms["paragraphs"])

    accepted = solver.post(f"{path}/agreement")
    assert accepted.status_code == 200
    assert accepted.get_json()["digest"] == terms["digest"] and accepted.get_json()["accepted_at"]
    after = solver.get(path).get_json()
    assert "data room" in after["confidential_material"] and after["you"]["has_agreed"] is True
    assert people["judge"].post(f"{path}/agreement").status_code == 403  # members cannot enter


def test_submitting_needs_the_agreement_and_keeps_versions(people, open_challenge):
    solver, path = people["solver"], f"/api/v1/challenges/{open_challenge.id}/submissions"
    text = {"title": "Lazy-load the SDKs", "body": "Defer analytics and maps until first use: 2.9 s saved."}
    assert solver.post(path, json=text).status_code == 403
    solver.post(f"/api/v1/challenges/{open_challenge.id}/agreement")
    assert solver.post(path, json={"title": "Hi", "body": "short"}).status_code == 422
    created = solver.post(path, json=text)
    assert created.status_code == 201
    submission = created.get_json()
    assert submission["version"] == 1 and submission["attachments"] == []

    edited = solver.patch(f"/api/v1/submissions/{submission['id']}", json={"title": "Lazy-load every SDK"}).get_json()
    assert edited["version"] == 2 and edited["earlier_versions"] == 1 and edited["body"] == text["body"]
    assert people["judge"].patch(f"/api/v1/submissions/{submission['id']}", json={"title": "Judged"}).status_code == 403

    assert solver.delete(f"/api/v1/submissions/{submission['id']}").status_code == 204
    assert solver.get(f"/api/v1/submissions/{submission['id']}").get_json()["state"] == "withdrawn"
    assert people["judge"].get(path).get_json()["data"] == []  # judges see active ones only


def test_submissions_answer_only_to_their_author_and_the_judges(client, people, open_challenge):
    mine = make_submission(open_challenge, people["solver"].user)
    theirs = make_submission(open_challenge, people["rival"].user, title="Rival idea")
    listing = f"/api/v1/challenges/{open_challenge.id}/submissions"

    assert {s["id"] for s in people["judge"].get(listing).get_json()["data"]} == {mine.id, theirs.id}
    assert [s["id"] for s in people["solver"].get(listing).get_json()["data"]] == [mine.id]
    for nobody in ("pm", "other_org"):
        assert people[nobody].get(listing).get_json()["data"] == []

    path = f"/api/v1/submissions/{mine.id}"
    assert people["solver"].get(path).status_code == 200
    assert people["judge"].get(path).get_json()["solver"]["display_name"] == "Sol Solver"
    for nobody in ("rival", "pm", "other_org", "owner"):  # the owner holds every role: a judge too
        answer = people[nobody].get(path)
        if nobody == "owner":
            assert answer.status_code == 200
            continue
        assert answer.status_code == 404, nobody
        assert "Lazy-load" not in answer.get_data(as_text=True)
        assert people[nobody].patch(path, json={"title": "x"}).status_code == 404  # 404 before 422
        assert people[nobody].delete(path).status_code == 404
    assert client.get(path).status_code == 401


def test_only_the_judges_see_the_shortlist(people, open_challenge):
    mine = make_submission(open_challenge, people["solver"].user)
    mine.shortlisted = True
    _db.session.commit()
    path, listing = f"/api/v1/submissions/{mine.id}", f"/api/v1/challenges/{open_challenge.id}/submissions"
    assert people["solver"].get(path).get_json()["shortlisted"] is None
    assert [s["shortlisted"] for s in people["solver"].get(listing).get_json()["data"]] == [None]
    assert people["judge"].get(path).get_json()["shortlisted"] is True


def test_the_submission_count_is_for_the_organisation_only(people, open_challenge, acme):
    make_submission(open_challenge, people["solver"].user)
    path = f"/api/v1/challenges/{open_challenge.id}"
    for outsider in ("solver", "rival", "other_org"):
        assert people[outsider].get(path).get_json()["submission_count"] is None, outsider
        assert {c["submission_count"] for c in people[outsider].get("/api/v1/challenges").get_json()["data"]} == {None}
        assert {
            c["submission_count"]
            for c in people[outsider].get(f"/api/v1/challenges?organisation={ORG}").get_json()["data"]
        } == {None}
    for member in ("judge", "pm"):
        assert people[member].get(path).get_json()["submission_count"] == 1
        assert [c["submission_count"] for c in people[member].get("/api/v1/challenges").get_json()["data"]] == [1]
        assert [
            c["submission_count"]
            for c in people[member].get(f"/api/v1/challenges?organisation={ORG}").get_json()["data"]
        ] == [1]


def test_attachments_are_listed_with_a_download_link_for_the_same_people(people, open_challenge):
    submission = make_submission(open_challenge, people["solver"].user)
    _db.session.add(
        Attachment(
            submission_id=submission.id,
            stored_name=f"{open_challenge.id}/{'a' * 32}",
            filename="traces.pdf",
            content_type="application/pdf",
            size=1234,
            sha256="0" * 64,
        )
    )
    _db.session.commit()
    [attachment] = people["judge"].get(f"/api/v1/submissions/{submission.id}").get_json()["attachments"]
    assert attachment["filename"] == "traces.pdf" and attachment["size"] == 1234
    download = attachment["download_url"].replace("http://localhost", "")
    assert download == f"/submissions/{submission.id}/attachments/{attachment['id']}"
    assert people["rival"].get(f"/api/v1/submissions/{submission.id}").status_code == 404


def test_a_submission_one_second_late_is_refused_and_changes_nothing(people, open_challenge):
    solver = people["solver"]
    submission = make_submission(open_challenge, solver.user)
    with time_machine.travel(open_challenge.deadline + timedelta(seconds=1)):
        late = solver.post(
            f"/api/v1/challenges/{open_challenge.id}/submissions",
            json={"title": "Too late", "body": "This edit arrives one second late."},
        )
        assert late.status_code == 409
        error = late.get_json()["error"]
        assert error["code"] == "deadline_passed" and "deadline has passed" in error["message"]
        assert solver.delete(f"/api/v1/submissions/{submission.id}").status_code == 409
    _db.session.refresh(submission)
    assert submission.version == 1 and submission.title == "Lazy-load the heavy modules" and submission.is_active
    assert _db.session.query(SubmissionVersion).count() == 0


def test_questions_and_public_clarifications(people, open_challenge):
    solver, rival, owner = people["solver"], people["rival"], people["owner"]
    path = f"/api/v1/challenges/{open_challenge.id}/questions"
    asked = solver.post(path, json={"body": "May we use a native module?"})
    assert asked.status_code == 201 and asked.get_json()["asker"] is None and asked.get_json()["mine"] is True
    private = rival.post(path, json={"body": "Is the iPhone 8 in scope at all?"}).get_json()
    assert [q["id"] for q in rival.get(path).get_json()["data"]] == [private["id"]]
    assert rival.get(path).get_json()["data"][0]["answer"] is None

    question_id = asked.get_json()["id"]
    assert (
        solver.post(
            f"/api/v1/questions/{question_id}/answer", json={"body": "Yes, I say so myself.", "public": True}
        ).status_code
        == 403
    )
    assert (
        rival.post(
            f"/api/v1/questions/{question_id}/answer", json={"body": "Peeking at it", "public": True}
        ).status_code
        == 404
    )
    answered = owner.post(
        f"/api/v1/questions/{question_id}/answer", json={"body": "Yes, native modules are fine.", "public": True}
    )
    assert answered.status_code == 200 and answered.get_json()["public"] is True
    owner.post(f"/api/v1/questions/{private['id']}/answer", json={"body": "No, only 2019 phones.", "public": False})

    seen_by_solver = solver.get(path).get_json()["data"]
    assert [q["answer"] for q in seen_by_solver] == ["Yes, native modules are fine."]
    assert {q["asker"]["id"] for q in owner.get(path).get_json()["data"]} == {solver.user.id, rival.user.id}
    clarification = owner.post(path, json={"body": "Battery use counts too."}).get_json()
    assert clarification["public"] is True and clarification["answer"] == "Battery use counts too."


def test_judging_results_and_awards(people, open_challenge):
    judge, owner, solver = people["judge"], people["owner"], people["solver"]
    best = make_submission(open_challenge, solver.user)
    other = make_submission(open_challenge, people["rival"].user, title="Rival idea")
    criteria = [c.id for c in open_challenge.criteria]
    card = {"scores": [{"criterion_id": cid, "value": 9} for cid in criteria]}
    with time_machine.travel(open_challenge.deadline + timedelta(hours=1)):
        early = judge.put(f"/api/v1/submissions/{best.id}/scores", json={"scores": card["scores"][:1]})
        assert early.status_code == 422
        scored = judge.put(f"/api/v1/submissions/{best.id}/scores", json=card)
        assert scored.status_code == 200 and len(scored.get_json()["mine"]["scores"]) == len(criteria)
        judge.put(
            f"/api/v1/submissions/{other.id}/scores",
            json={"scores": [{"criterion_id": cid, "value": 4} for cid in criteria]},
        )
        # The owner has not scored yet: the judge's numbers stay hidden from them.
        assert owner.get(f"/api/v1/submissions/{best.id}/scores").get_json() == {"mine": None, "others": []}
        assert solver.get(f"/api/v1/submissions/{best.id}/scores").status_code == 404
        assert solver.put(f"/api/v1/submissions/{best.id}/scores", json={}).status_code == 404  # before 422
        assert people["pm"].get(f"/api/v1/challenges/{open_challenge.id}/results").status_code == 403
        assert people["rival"].get(f"/api/v1/challenges/{open_challenge.id}/results").status_code == 404

        results = judge.get(f"/api/v1/challenges/{open_challenge.id}/results").get_json()["data"]
        assert [r["submission_id"] for r in results] == [best.id, other.id] and results[0]["total"] == 9

        awards_path = f"/api/v1/challenges/{open_challenge.id}/awards"
        too_much = owner.post(awards_path, json={"allocations": [{"submission_id": best.id, "amount": 600_000}]})
        assert too_much.status_code == 422
        made = owner.post(
            awards_path,
            json={
                "allocations": [
                    {"submission_id": best.id, "amount": 300_000},
                    {"submission_id": other.id, "amount": 150_000},
                ]
            },
        )
        assert made.status_code == 201, made.get_json()
        assert [a["place"] for a in made.get_json()["data"]] == [1, 2]

    mine = solver.get(awards_path).get_json()["data"]
    assert [(a["submission_id"], a["amount"]["display"], a["state"]) for a in mine] == [(best.id, "$3,000", "accepted")]
    assert len(owner.get(awards_path).get_json()["data"]) == 2
    assert people["other_org"].get(awards_path).get_json()["data"] == []
    award_id = mine[0]["id"]
    assert people["rival"].post(f"/api/v1/awards/{award_id}/accept").status_code == 404
    assert solver.post(f"/api/v1/awards/{award_id}/accept").get_json()["state"] == "accepted"
    assert solver.get(f"/api/v1/challenges/{open_challenge.id}").get_json()["phase"] == "awarded"


def test_a_manager_refunds_a_declined_share_instead_of_passing_it_on(people, acme):
    from challenges.services import awards

    challenge = make_challenge(acme, ip_terms="exclusive")
    entry = make_submission(challenge, people["solver"].user)
    with time_machine.travel(challenge.deadline + timedelta(hours=1)):
        [offer] = awards.award(acme.memberships[0].user, challenge, [(entry.id, 300_000)])
        path = f"/api/v1/awards/{offer.id}/release"
        assert people["owner"].post(path).status_code == 409  # still offered
        assert people["solver"].post(f"/api/v1/awards/{offer.id}/decline").get_json()["state"] == "declined"
        assert people["solver"].post(path).status_code == 403
        assert people["judge"].post(path).status_code == 403
        assert people["rival"].post(path).status_code == 404
        released = people["owner"].post(path)
        assert released.status_code == 200 and released.get_json()["state"] == "released"
        assert people["owner"].post(path).status_code == 409


def test_the_operations_are_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    tags = {tag for item in document["paths"].values() for op in item.values() for tag in op["tags"]}
    assert {"Challenges", "Submissions", "Questions", "Judging", "Awards"} <= tags
    create = document["paths"]["/api/v1/challenges/{challenge_id}/submissions"]["post"]
    assert "uploaded on the challenge's page" in create["description"]
    deadline = document["components"]["schemas"]["ChallengeCreate"]["properties"]["deadline"]
    assert deadline["format"] == "date-time"


def test_judges_shortlist_and_give_feedback_through_the_api(people, open_challenge):
    judge, solver = people["judge"], people["solver"]
    entry = make_submission(open_challenge, solver.user)
    shortlist, feedback = f"/api/v1/submissions/{entry.id}/shortlist", f"/api/v1/submissions/{entry.id}/feedback"
    early = judge.put(shortlist, json={"shortlisted": True})
    assert early.status_code == 409 and "after the deadline" in early.get_json()["error"]["message"]
    assert judge.put(feedback, json={"feedback": "Too soon"}).status_code == 409
    with time_machine.travel(open_challenge.deadline + timedelta(hours=1)):
        assert judge.put(shortlist, json={"shortlisted": "yes please"}).status_code == 422
        listed = judge.put(shortlist, json={"shortlisted": True})
        assert listed.status_code == 200 and listed.get_json()["shortlisted"] is True
        given = judge.put(feedback, json={"feedback": "Strong on **measurements**; say more on rollout."})
        assert given.status_code == 200 and given.get_json()["feedback"].startswith("Strong on")
        # Only judges: the solver (even on their own), a non-judge manager and outsiders get 404,
        # before the body is read.
        for nobody in ("solver", "pm", "rival", "other_org"):
            assert people[nobody].put(shortlist, json={}).status_code == 404, nobody
            assert people[nobody].put(feedback, json={}).status_code == 404, nobody
        seen = solver.get(f"/api/v1/submissions/{entry.id}").get_json()
        assert seen["shortlisted"] is None and seen["feedback"].startswith("Strong on")
        assert judge.put(shortlist, json={"shortlisted": False}).get_json()["shortlisted"] is False
        assert judge.put(feedback, json={"feedback": ""}).get_json()["feedback"] is None
    _db.session.expire_all()
    stored = _db.session.get(type(entry), entry.id)
    assert (stored.shortlisted, stored.feedback) == (False, "")
