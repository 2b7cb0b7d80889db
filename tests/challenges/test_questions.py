"""Questions and answers on a challenge: who may ask, public and private answers, clarifications,
who sees what, who is notified, and the htmx fragment."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from app.notifications.models import Notification
from challenges import policy
from challenges.models import Question, State
from challenges.services import questions
from tests.support import refusals
from tests.support.challenges import make_challenge, make_submission
from tests.support.factories import add_member, login, make_org, make_user


@pytest.fixture
def setting(app):
    org = make_org(slug="acme")
    challenge = make_challenge(org, title="Quieter fans for servers")
    asker, other = make_user(name="Asking Solver"), make_user(name="Other Solver")
    make_submission(challenge, asker)
    make_submission(challenge, other)
    return org, challenge, asker, other


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _notes(user, kind):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).all()


def test_a_private_answer_reaches_the_asker_only(app, setting):
    org, challenge, asker, other = setting
    pm = org.memberships[0].user
    response = _client(app, asker).post(
        f"/challenges/{challenge.id}/questions", data={"body": "May we use off-the-shelf fan blades?"}
    )
    assert response.status_code == 303
    question = db.session.query(Question).one()
    # The organisation sees it with an answer form; the other solver does not see it at all.
    org_page = _client(app, pm).get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "off-the-shelf fan blades" in org_page and f"/questions/{question.id}/answer" in org_page
    assert "off-the-shelf" not in _client(app, other).get(f"/challenges/{challenge.id}").get_data(as_text=True)

    _client(app, pm).post(
        f"/challenges/{challenge.id}/questions/{question.id}/answer",
        data={"answer": "Yes, any blades you can buy.", "visibility": "private"},
    )
    mine = _client(app, asker).get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "any blades you can buy" in mine and "Private answer" in mine
    for viewer in (_client(app, other), app.test_client()):
        assert "any blades you can buy" not in viewer.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert len(_notes(asker, "challenge.answer")) == 1 and not _notes(other, "challenge.answer")
    assert not _notes(other, "challenge.clarification")


def test_a_public_answer_is_a_clarification_for_everyone(app, setting):
    org, challenge, asker, other = setting
    question = questions.ask(asker, challenge, "Is the noise measured at one metre?")
    _client(app, org.memberships[0].user).post(
        f"/challenges/{challenge.id}/questions/{question.id}/answer",
        data={"answer": "Yes: one metre, in an anechoic room.", "visibility": "public"},
    )
    for viewer in (app.test_client(), _client(app, other), _client(app, make_user())):
        page = viewer.get(f"/challenges/{challenge.id}").get_data(as_text=True)
        assert "Is the noise measured at one metre?" in page and "anechoic room" in page
        assert "Asking Solver" not in page  # solvers stay anonymous to each other
    assert len(_notes(other, "challenge.clarification")) == 1 and len(_notes(asker, "challenge.clarification")) == 1


def test_a_clarification_notifies_everyone_who_accepted_the_terms(app, setting):
    org, challenge, asker, other = setting
    bystander = make_user()
    response = _client(app, org.memberships[0].user).post(
        f"/challenges/{challenge.id}/clarifications", data={"answer": "Fan diameter may be up to 120 mm."}
    )
    assert response.status_code == 303
    assert {n.user_id for n in db.session.query(Notification).filter_by(kind="challenge.clarification")} == {
        asker.id,
        other.id,
    }
    assert "Fan diameter may be up to 120 mm." in app.test_client().get(f"/challenges/{challenge.id}").get_data(
        as_text=True
    )
    assert not _notes(bystander, "challenge.clarification")


def test_who_may_ask(app, setting):
    org, challenge, asker, _other = setting
    judge = add_member(org, None, "judge")
    with pytest.raises(NotAllowed):
        questions.ask(judge, challenge, "Can members ask questions too?")
    with pytest.raises(ValidationFailed):
        questions.ask(asker, challenge, "Why?")
    anonymous = app.test_client().post(
        f"/challenges/{challenge.id}/questions", data={"body": "Anonymous question here"}
    )
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["Location"]
    draft = make_challenge(org, state="draft")
    assert (
        _client(app, asker)
        .post(f"/challenges/{draft.id}/questions", data={"body": "A question on a draft"})
        .status_code
        == 404
    )
    challenge.state = State.AWARDED
    db.session.commit()
    with pytest.raises(Conflict):
        questions.ask(asker, challenge, "Too late for a question?")
    assert db.session.query(Question).count() == 0


def test_questions_still_possible_after_the_deadline(setting):
    _org, challenge, asker, _other = setting
    with time_machine.travel(challenge.deadline + timedelta(hours=1)):
        assert challenge.phase() == State.CLOSED
        questions.ask(asker, challenge, "When will the results be known?")


def test_no_answers_once_the_challenge_is_cancelled(app, setting):
    org, challenge, asker, other = setting
    question = questions.ask(asker, challenge, "Is a liquid cooling design acceptable?")
    from challenges.services import posting

    posting.cancel(org.memberships[0].user, challenge, "The product line was discontinued.")
    with pytest.raises(Conflict, match="questions are closed"):
        questions.answer(org.memberships[0].user, question, "Yes, liquid cooling is fine.", True)
    assert db.session.get(Question, question.id).answered_at is None
    assert not _notes(other, "challenge.clarification") and not _notes(asker, "challenge.clarification")


def test_only_managers_answer(app, setting):
    org, challenge, asker, other = setting
    question = questions.ask(asker, challenge, "Is a liquid cooling design acceptable?")
    judge = add_member(org, None, "judge")
    url = f"/challenges/{challenge.id}/questions/{question.id}/answer"
    assert (
        _client(app, other).post(url, data={"answer": "Sure thing, go ahead.", "visibility": "public"}).status_code
        == 404
    )
    assert (
        _client(app, judge).post(url, data={"answer": "Sure thing, go ahead.", "visibility": "public"}).status_code
        == 403
    )
    with pytest.raises(NotAllowed):
        questions.answer(other, question, "Sure thing, go ahead.", True)
    assert db.session.get(Question, question.id).answered_at is None
    questions.answer(org.memberships[0].user, question, "No, air cooling only.", False)
    with pytest.raises(Conflict):
        questions.answer(org.memberships[0].user, question, "Changed my mind on this.", True)


def test_the_listing_agrees_with_the_policy(setting):
    org, challenge, asker, other = setting
    pm = org.memberships[0].user
    private = questions.ask(asker, challenge, "A private question from the asker")
    public = questions.ask(other, challenge, "A question answered in public")
    questions.answer(pm, public, "The public answer to it.", True)
    waiting = questions.ask(other, challenge, "A question still waiting")
    questions.post_clarification(pm, challenge, "A clarification for all.")
    all_questions = db.session.query(Question).all()
    for viewer in (None, asker, other, pm, make_user()):
        listed = {q.id for q in questions.visible_questions(viewer, challenge)}
        assert listed == {q.id for q in all_questions if policy.can_see_question(viewer, q, challenge)}
    assert private.id not in {q.id for q in questions.visible_questions(other, challenge)}
    assert waiting.id in {q.id for q in questions.visible_questions(other, challenge)}


def test_htmx_gets_the_questions_section_and_plain_posts_a_redirect(app, setting):
    _org, challenge, asker, _other = setting
    client = _client(app, asker)
    fragment = client.post(
        f"/challenges/{challenge.id}/questions",
        data={"body": "Asked with htmx, what now?"},
        headers={"HX-Request": "true"},
    )
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text and 'id="questions"' in text
    assert "Asked with htmx, what now?" in text and "Your question is sent" in text
    bad = client.post(f"/challenges/{challenge.id}/questions", data={"body": ""}, headers={"HX-Request": "true"})
    assert "Write your question first." in bad.get_data(as_text=True)
    plain = client.post(f"/challenges/{challenge.id}/questions", data={"body": "Asked without htmx, fine?"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("#questions")


def test_asking_is_rate_limited(app, setting):
    _org, challenge, asker, _other = setting
    client = _client(app, asker)
    codes = [
        client.post(f"/challenges/{challenge.id}/questions", data={"body": f"Question number {i} here"}).status_code
        for i in range(7)
    ]
    assert codes[:5] == [303] * 5 and codes[-1] == 429
    assert db.session.query(Question).count() == 5


def test_without_javascript_a_refused_question_says_why_beside_its_form(app, setting):
    _org, challenge, asker, _other = setting
    client = _client(app, asker)
    empty = client.post(f"/challenges/{challenge.id}/questions", data={"body": ""})
    assert empty.status_code == 303 and empty.headers["Location"].endswith("#ask-question")
    html = client.get(empty.headers["Location"]).get_data(as_text=True)
    assert refusals.beside(html, "ask-question") == "Write your question first."
    assert "Write your question first." not in refusals.at_top(html)


def test_without_javascript_a_refused_answer_says_why_beside_its_form(app, setting):
    org, challenge, asker, _other = setting
    question = questions.ask(asker, challenge, "Is a liquid cooling design acceptable?")
    owner = _client(app, org.memberships[0].user)
    response = owner.post(f"/challenges/{challenge.id}/questions/{question.id}/answer", data={"answer": ""})
    assert response.headers["Location"].endswith(f"#answer-form-{question.id}")
    html = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert refusals.beside(html, f"answer-form-{question.id}")
    assert refusals.beside(html, "ask-question") == ""
    assert 'class="flash flash-error"' not in refusals.at_top(html)
