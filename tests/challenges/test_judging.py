"""Judging: scorecards, weighted totals, judge agreement, the shortlist, private feedback, and the
judges' pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.clock import utcnow
from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from app.notifications.models import Notification
from challenges.models import Score, State
from challenges.services import judging, posting, solving
from tests.support import refusals
from tests.support.challenges import make_challenge, make_submission
from tests.support.factories import add_member, login, make_user
from tests.support.judging import closed_challenge, give_scores, make_judge, owner_of
from tests.support.queries import count_queries


def _by_id(results):
    return {r.submission.id: r for r in results}


def test_weighted_totals_agreement_and_rank_match_hand_computed_values(db):
    # Criteria: Feasibility ×3, Impact ×2, Clarity ×1.
    challenge, (first, second, third) = closed_challenge()
    ana, ben = make_judge(challenge), make_judge(challenge)
    give_scores(ana, first, 8, 6, 4)  # ana's total (24 + 12 + 4) / 6 = 6.667
    give_scores(ben, first, 4, 6, 10)  # ben's total (12 + 12 + 10) / 6 = 5.667
    give_scores(ana, second, 10, 10, 10)
    give_scores(ben, second, 2, 2, 2)

    results = judging.results(challenge)
    one, two, three = (_by_id(results)[s.id] for s in (first, second, third))
    # Means per criterion 6, 6, 7 -> (18 + 12 + 7) / 6.
    assert one.total == pytest.approx(37 / 6) and one.judges == 2
    assert one.spread == pytest.approx(0.5) and one.agreement == "high"
    assert two.total == pytest.approx(6.0) and two.spread == pytest.approx(4.0) and two.agreement == "low"
    assert three.total is None and three.judges == 0 and three.agreement == ""
    assert [r.submission.id for r in results] == [first.id, second.id, third.id]
    assert [r.rank for r in results] == [1, 2, 3]


def test_medium_agreement_and_a_single_judge(db):
    challenge, (entry,) = closed_challenge(1)
    give_scores(make_judge(challenge), entry, 9, 9, 9)
    [result] = judging.results(challenge)
    assert result.judges == 1 and result.spread is None
    give_scores(make_judge(challenge), entry, 6, 6, 6)
    [result] = judging.results(challenge)
    assert result.total == pytest.approx(7.5) and result.spread == pytest.approx(1.5)
    assert result.agreement == "medium"


def test_scoring_again_updates_the_same_rows(db):
    challenge, (entry,) = closed_challenge(1)
    judge = make_judge(challenge)
    give_scores(judge, entry, 1, 1, 1, comments=("weak", "", ""))
    give_scores(judge, entry, 7, 8, 9, comments=("better now", "", ""))
    rows = judging.scores_by(entry, judge)
    assert sorted(r.value for r in rows) == [7, 8, 9] and len(rows) == 3
    assert {r.comment for r in rows} == {"better now", ""}


def test_a_product_manager_without_the_judge_role_cannot_score(db):
    challenge, (entry,) = closed_challenge(1)
    pm = add_member(challenge.organisation, None, "pm")
    for outsider in (pm, make_user(), entry.solver):
        with pytest.raises(NotAllowed, match="judges"):
            give_scores(outsider, entry, 5, 5, 5)
    assert db.session.scalar(select(func.count()).select_from(Score)) == 0


def test_no_scoring_before_the_deadline_or_after_the_awards(db):
    challenge = make_challenge()
    entry = make_submission(challenge)
    judge = make_judge(challenge)
    with pytest.raises(Conflict, match="deadline has passed"):
        give_scores(judge, entry, 5, 5, 5)
    with time_machine.travel(challenge.deadline + timedelta(seconds=1)):
        give_scores(judge, entry, 5, 5, 5)
        posting.start_judging(owner_of(challenge), challenge)
        give_scores(judge, entry, 6, 6, 6)
        posting.cancel(owner_of(challenge), challenge, "The problem was solved in house.")
        with pytest.raises(Conflict, match="cancelled"):
            give_scores(judge, entry, 9, 9, 9)
    assert sorted(r.value for r in judging.scores_by(entry, judge)) == [6, 6, 6]


def test_bad_scores_are_refused_and_nothing_is_written(db):
    challenge, (entry,) = closed_challenge(1)
    judge = make_judge(challenge)
    feasibility, impact, clarity = challenge.criteria
    with pytest.raises(ValidationFailed) as refused:
        judging.score(judge, entry, {feasibility.id: 11, impact.id: 5, clarity.id: 5})
    assert f"score_{feasibility.id}" in refused.value.fields
    with pytest.raises(ValidationFailed):
        judging.score(judge, entry, {feasibility.id: 5, impact.id: 5})  # clarity missing
    other, _ = closed_challenge(0)
    with pytest.raises(ValidationFailed, match="this challenge's criteria"):
        judging.score(judge, entry, {feasibility.id: 5, impact.id: 5, clarity.id: 5, other.criteria[0].id: 5})
    assert db.session.scalar(select(func.count()).select_from(Score)) == 0


def test_results_take_a_constant_number_of_queries(db):
    def queries_for(submissions: int) -> int:
        challenge, entries = closed_challenge(submissions)
        judges = [make_judge(challenge) for _ in range(2)]
        for entry in entries:
            for judge in judges:
                give_scores(judge, entry, 5, 6, 7)
        db.session.expire_all()
        challenge = db.session.get(type(challenge), challenge.id)
        with count_queries(db.engine) as statements:
            results = judging.results(challenge)
            assert [r.submission.solver.display_name for r in results]
        return len(statements)

    assert queries_for(2) == queries_for(6) <= 4


def test_the_solver_is_told_once_that_judging_started_without_the_scores(db):
    challenge, (entry,) = closed_challenge(1)
    give_scores(make_judge(challenge), entry, 9, 9, 9)
    give_scores(make_judge(challenge), entry, 3, 3, 3)
    texts = list(db.session.scalars(select(Notification.text).where(Notification.user_id == entry.solver_id)))
    # One message, and no score in it.
    assert texts == [f"Your submission “{entry.title}” to “{challenge.title}” is being judged."]


def test_shortlist_and_private_feedback(db):
    challenge, (entry, other) = closed_challenge(2)
    judge, pm = make_judge(challenge), add_member(challenge.organisation, None, "pm")
    judging.set_shortlisted(judge, entry, True)
    judging.set_feedback(judge, entry, "Strong analysis; the benchmark needs more devices.")
    assert entry.shortlisted and not other.shortlisted
    assert judging.feedback_for(entry.solver, entry) == "Strong analysis; the benchmark needs more devices."
    assert judging.feedback_for(judge, entry) is not None
    assert judging.feedback_for(other.solver, entry) is None and judging.feedback_for(pm, entry) is None
    with pytest.raises(NotAllowed):
        judging.set_shortlisted(other.solver, other, True)


def test_a_product_manager_who_is_not_a_judge_cannot_shortlist_or_give_feedback(db):
    challenge, (entry,) = closed_challenge(1)
    pm = add_member(challenge.organisation, None, "pm")  # cannot read the submissions
    with pytest.raises(NotAllowed):
        judging.set_shortlisted(pm, entry, True)
    with pytest.raises(NotAllowed):
        judging.set_feedback(pm, entry, "Looks fine to me without reading it.")
    db.session.refresh(entry)
    assert not entry.shortlisted and entry.feedback == ""


@pytest.mark.parametrize(
    "judge_work",
    [
        lambda judge, entry: give_scores(judge, entry, 5, 5, 5),
        lambda judge, entry: judging.set_shortlisted(judge, entry, True),
        lambda judge, entry: judging.set_feedback(judge, entry, "Promising, but the benchmark is thin."),
    ],
)
def test_the_deadline_cannot_be_extended_once_judges_have_started(db, judge_work):
    challenge, (entry,) = closed_challenge(1)
    judge_work(make_judge(challenge), entry)
    old = challenge.deadline
    with pytest.raises(Conflict, match="can no longer be extended"):
        posting.extend_deadline(owner_of(challenge), challenge, utcnow() + timedelta(days=7))
    db.session.refresh(challenge)
    assert challenge.deadline == old and challenge.phase() == State.CLOSED


def test_the_deadline_can_still_be_extended_after_it_passed_if_nobody_judged(db):
    challenge, (entry,) = closed_challenge(1)
    posting.extend_deadline(owner_of(challenge), challenge, utcnow() + timedelta(days=7))
    assert challenge.phase() == State.OPEN


def test_withdrawn_submissions_are_not_judged(app, db):
    challenge = make_challenge()
    kept, gone = make_submission(challenge), make_submission(challenge)
    solving.withdraw(gone.solver, gone)
    judge = make_judge(challenge)
    with time_machine.travel(challenge.deadline + timedelta(seconds=1)):
        assert [r.submission.id for r in judging.results(challenge)] == [kept.id]
        with pytest.raises(Conflict, match="withdrawn"):
            give_scores(judge, gone, 5, 5, 5)
        assert _client(app, judge).get(f"/submissions/{gone.id}/score").status_code == 404
        assert _client(app, judge).get(f"/submissions/{kept.id}/score").status_code == 200


# --------------------------------------------------------------------------- pages


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_the_judging_page_ranks_and_charts_for_judges_only(app, db):
    challenge, (first, second) = closed_challenge(2)
    judge = make_judge(challenge)
    give_scores(judge, second, 9, 9, 9)
    give_scores(judge, first, 2, 2, 2)
    page = _client(app, judge).get(f"/challenges/{challenge.id}/judging")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.index("Solution number 2") < html.index("Solution number 1")
    assert "9.00" in html and "2.00" in html and "<svg" in html
    assert " style=" not in html and "<script>" not in html  # the strict CSP allows neither
    pm = add_member(challenge.organisation, None, "pm")
    assert _client(app, pm).get(f"/challenges/{challenge.id}/judging").status_code == 403
    for outsider in (first.solver, make_user()):
        answer = _client(app, outsider).get(f"/challenges/{challenge.id}/judging")
        assert answer.status_code == 404 and "Solution number" not in answer.get_data(as_text=True)
    assert app.test_client().get(f"/challenges/{challenge.id}/judging").status_code == 404


def test_shortlist_toggle_with_and_without_htmx_and_the_filter(app, db):
    challenge, (first, second) = closed_challenge(2)
    client = _client(app, make_judge(challenge))
    fragment = client.post(
        f"/submissions/{first.id}/shortlist", data={"shortlisted": "1"}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and "Shortlisted ✓" in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    plain = client.post(f"/submissions/{second.id}/shortlist", data={"shortlisted": "1"})
    assert plain.status_code == 303
    client.post(f"/submissions/{second.id}/shortlist", data={"shortlisted": "0"})
    html = client.get(f"/challenges/{challenge.id}/judging?shortlisted=1").get_data(as_text=True)
    assert "Solution number 1" in html and "Solution number 2" not in html


def test_a_refused_shortlist_without_javascript_says_why_beside_its_control(app, db):
    challenge, (entry,) = closed_challenge(1)
    client = _client(app, make_judge(challenge))
    assert "Shortlist" in client.get(f"/challenges/{challenge.id}/judging").get_data(as_text=True)
    challenge.state = State.AWARDED  # the awards were made meanwhile
    db.session.commit()
    response = client.post(f"/submissions/{entry.id}/shortlist", data={"shortlisted": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/challenges/{challenge.id}/judging#shortlist-{entry.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    refusal = "The shortlist is made after the deadline and before the awards."
    assert refusals.beside(html, f"shortlist-{entry.id}") == refusal
    assert refusal not in refusals.at_top(html)
    assert not db.session.get(type(entry), entry.id).shortlisted


def test_the_scorecard_saves_and_shows_other_judges_only_afterwards(app, db):
    challenge, (entry,) = closed_challenge(1)
    ana, ben = make_judge(challenge, make_user(name="Ana Judge")), make_judge(challenge, make_user(name="Ben Judge"))
    give_scores(ana, entry, 3, 4, 5, comments=("Unclear plan", "", ""))
    client = _client(app, ben)
    page = client.get(f"/submissions/{entry.id}/score").get_data(as_text=True)
    assert "Defer the analytics" in page and "Unclear plan" not in page and "once you have saved your own" in page
    ids = [c.id for c in challenge.criteria]
    bad = client.post(f"/submissions/{entry.id}/score", data={f"score_{ids[0]}": "12", f"score_{ids[1]}": "5"})
    assert bad.status_code == 422 and "from 0 to 10" in bad.get_data(as_text=True)
    assert judging.scores_by(entry, ben) == []
    saved = client.post(
        f"/submissions/{entry.id}/score", data={f"score_{ids[0]}": "8", f"score_{ids[1]}": "7", f"score_{ids[2]}": "6"}
    )
    assert saved.status_code == 303
    page = client.get(f"/submissions/{entry.id}/score").get_data(as_text=True)
    assert "Unclear plan" in page and "Ana Judge" in page
    assert _client(app, entry.solver).get(f"/submissions/{entry.id}/score").status_code == 404


def test_feedback_form_reaches_the_solver(app, db):
    challenge, (entry,) = closed_challenge(1)
    client = _client(app, make_judge(challenge))
    answer = client.post(f"/submissions/{entry.id}/feedback", data={"feedback": "Please add **benchmarks**."})
    assert answer.status_code == 303
    db.session.refresh(entry)
    assert judging.feedback_for(entry.solver, entry) == "Please add **benchmarks**."


def test_the_challenge_page_panel_is_for_the_organisation(app, db):
    challenge, (entry, _) = closed_challenge(2)
    judge, pm = make_judge(challenge), add_member(challenge.organisation, None, "pm")
    judge_view = _client(app, judge).get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "2 active submissions" in judge_view and f"/challenges/{challenge.id}/judging" in judge_view
    assert f"/challenges/{challenge.id}/award" not in judge_view
    pm_view = _client(app, pm).get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert f"/challenges/{challenge.id}/award" in pm_view and f"/challenges/{challenge.id}/judging" not in pm_view
    solver_view = _client(app, entry.solver).get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "judging-panel" not in solver_view
