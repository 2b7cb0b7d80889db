"""The rules of asking, answering, kudos and accepted solutions, without HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import utcnow
from app.errors_domain import NotAllowed, ValidationFailed
from app.orgs.models import Membership
from app.reputation import services as reputation
from app.reputation.points import KUDOS_DAILY_CAP, POINTS
from ideas.models import Visibility
from ideas.moderation.models import Flag
from ideas.questions.models import Answer, AnswerKudos, Question, QuestionRevision
from ideas.questions.services import kudos, solutions
from ideas.questions.services.questions import QuestionInput, ask_question, delete_question, edit_question
from tests.ideas.questions.conftest import answer, ask
from tests.support.factories import add_member, make_user, seasoned_user


def points(user, org) -> int:
    return reputation.total_of(user.id, org.id)


def test_asking_names_every_field_at_fault_and_writes_nothing(community, db):
    with pytest.raises(ValidationFailed) as caught:
        ask_question(
            community.asker,
            community.board,
            QuestionInput("Help", body="x" * 20_001, category_id=999, tags="a,b,c,d,e,f"),
        )
    assert set(caught.value.fields) == {"title", "body", "category_id", "tags"}
    assert db.session.scalar(select(func.count()).select_from(Question)) == 0


def test_a_question_keeps_its_tags_and_category(community):
    category = community.board.categories[0]
    question = ask(community, category_id=category.id, tags="Export, CSV ,export")
    assert [t.name for t in question.tags] == ["csv", "export"]
    assert question.category_id == category.id
    assert question.slug == "how-do-i-export-my-invoices-as-csv"


def test_a_new_account_posting_links_is_held_for_a_moderator(community, db):
    newcomer = make_user()
    question = ask_question(
        newcomer,
        community.board,
        QuestionInput("Cheap watches here", body="http://spam.example http://spam.example/2 http://x.example"),
    )
    if question.visibility == Visibility.VISIBLE:
        pytest.skip("the spam filter let this one through")
    assert db.session.scalar(select(Flag.target_type).where(Flag.target_id == question.id)) == "question"


def test_answers_count_and_staff_answers_are_official(community, db):
    question = ask(community)
    first = answer(question, community.answerer)
    staff = answer(question, community.pm, "Product team here: Billing › Invoices › Export works today.")
    db.session.refresh(question)
    assert question.answer_count == 2
    assert (first.is_official, staff.is_official) == (False, True)


def test_an_answer_too_short_is_refused(community):
    question = ask(community)
    with pytest.raises(ValidationFailed) as caught:
        answer(question, community.answerer, "good post!")
    assert "body" in caught.value.fields


def test_outsiders_of_a_private_board_cannot_answer(community, db):
    community.board.is_private = True
    db.session.commit()
    question = Question(board_id=community.board.id, author_id=community.pm.id, title="Private question here")
    db.session.add(question)
    db.session.commit()
    with pytest.raises(NotAllowed):
        answer(question, community.third)


def test_kudos_are_one_per_member_never_on_ones_own_and_revocable(community, db):
    question = ask(community)
    reply = answer(question, community.answerer)
    with pytest.raises(ValidationFailed):
        kudos.give_kudos(community.answerer, reply)
    assert kudos.give_kudos(community.third, reply) == 1
    assert kudos.give_kudos(community.third, reply) == 1  # twice: still one
    assert kudos.give_kudos(community.asker, reply) == 2
    assert kudos.take_back_kudos(community.third, reply) == 1
    assert kudos.take_back_kudos(community.third, reply) == 1  # nothing left to take back
    assert db.session.scalar(select(func.count()).select_from(AnswerKudos)) == 1
    assert points(community.answerer, community.org) == POINTS["kudos"]


def test_kudos_points_stop_at_the_daily_cap(community, db):
    question = ask(community)
    reply = answer(question, community.answerer)
    givers = [seasoned_user() for _ in range(KUDOS_DAILY_CAP // POINTS["kudos"] + 2)]
    for giver in givers:
        kudos.give_kudos(giver, reply)
    db.session.refresh(reply)
    assert reply.kudos_count == len(givers)
    assert points(community.answerer, community.org) == KUDOS_DAILY_CAP
    # Taking back a kudos that earned nothing (past the cap) takes nothing.
    kudos.take_back_kudos(givers[-1], reply)
    assert points(community.answerer, community.org) == KUDOS_DAILY_CAP
    kudos.take_back_kudos(givers[0], reply)
    assert points(community.answerer, community.org) == KUDOS_DAILY_CAP - POINTS["kudos"]


def test_the_asker_accepts_changes_and_takes_back_the_solution(community, db):
    question = ask(community)
    first = answer(question, community.answerer)
    second = answer(question, community.third, "Or use the API: GET /invoices?format=csv gives the same file.")
    assert solutions.accept_solution(community.asker, question, first)
    assert not solutions.accept_solution(community.asker, question, first)  # already: nothing to do
    assert points(community.answerer, community.org) == POINTS["solution"]
    assert points(community.asker, community.org) == POINTS["accepting"]

    solutions.accept_solution(community.asker, question, second)
    db.session.refresh(question)
    assert question.solution_answer_id == second.id and question.solved_by_id == community.asker.id
    assert points(community.answerer, community.org) == 0
    assert points(community.third, community.org) == POINTS["solution"]
    assert points(community.asker, community.org) == POINTS["accepting"]

    solutions.unaccept_solution(community.asker, question)
    db.session.refresh(question)
    assert question.solution_answer_id is None and question.solved_at is None
    assert points(community.third, community.org) == 0
    assert points(community.asker, community.org) == 0


def test_answering_ones_own_question_earns_nothing(community):
    question = ask(community)
    own = answer(question, community.asker, "Found it myself: Billing › Invoices › Export.")
    solutions.accept_solution(community.asker, question, own)
    assert points(community.asker, community.org) == 0


def test_who_may_accept(community, db):
    question = ask(community)
    reply = answer(question, community.answerer)
    with pytest.raises(NotAllowed):
        solutions.accept_solution(community.third, question, reply)
    with pytest.raises(NotAllowed):
        solutions.accept_solution(community.answerer, question, reply)
    # A product manager may accept for the asker, and earns nothing for it.
    solutions.accept_solution(community.pm, question, reply)
    assert points(community.pm, community.org) == 0
    assert points(community.asker, community.org) == 0
    assert points(community.answerer, community.org) == POINTS["solution"]


def test_a_leader_may_accept_for_the_asker(community, db):
    question = ask(community)
    reply = answer(question, community.answerer)
    reputation.record(community.third.id, community.org.id, 2000, "delivered")
    db.session.commit()
    assert solutions.accept_solution(community.third, question, reply)


def test_a_judge_of_the_organisation_may_not_accept_for_the_asker(community, db):
    judge = add_member(community.org, seasoned_user(), "judge")
    question = ask(community)
    reply = answer(question, community.answerer)
    with pytest.raises(NotAllowed):
        solutions.accept_solution(judge, question, reply)
    assert db.session.scalar(select(Membership.is_judge).where(Membership.user_id == judge.id))


def test_an_answer_from_another_question_cannot_be_the_solution(community):
    question = ask(community)
    other = ask(community, "Where do I change the billing address?")
    reply = answer(other, community.answerer)
    with pytest.raises(ValidationFailed):
        solutions.accept_solution(community.asker, question, reply)


def test_deleting_the_solution_unsolves_the_question_and_takes_its_points(community, db):
    from ideas.questions.services.answers import delete_answer

    question = ask(community)
    reply = answer(question, community.answerer)
    solutions.accept_solution(community.asker, question, reply)
    delete_answer(community.answerer, reply)
    db.session.refresh(question)
    assert question.solution_answer_id is None and question.answer_count == 0
    assert points(community.answerer, community.org) == 0
    assert db.session.get(Answer, reply.id).body == ""


def test_editing_keeps_history_within_the_window_only(community, db):
    question = ask(community)
    edit_question(community.asker, question, QuestionInput("How do I export invoices to a CSV file?"))
    revisions = list(db.session.scalars(select(QuestionRevision.title)))
    assert revisions == ["How do I export my invoices as CSV?"]
    with pytest.raises(NotAllowed):
        edit_question(
            community.asker, question, QuestionInput("Too late to change this"), now=utcnow() + timedelta(hours=1)
        )
    with pytest.raises(NotAllowed):
        edit_question(community.third, question, QuestionInput("Not mine to change at all"))


def test_deleting_is_for_the_asker_or_a_moderator(community, db):
    question = ask(community)
    with pytest.raises(NotAllowed):
        delete_question(community.third, question)
    delete_question(community.asker, question)
    assert db.session.get(Question, question.id).deleted_at is not None


def test_rebuild_regenerates_solution_points(community, db, runner):
    question = ask(community)
    reply = answer(question, community.answerer)
    solutions.accept_solution(community.asker, question, reply)
    from app.community.rebuild import rebuild

    assert rebuild().clean
