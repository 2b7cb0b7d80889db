"""Questions and answers in the JSON API under /api/v1: the JSON twin of `ideas/questions/routes.py`.

The order of checks is that of every ideas operation (see `ideas/api.py`): credentials (401), then
the board, question or answer in the path (404 for one the caller may not see, exactly as for one
that does not exist), and only then the query and body (422).
"""

from __future__ import annotations

from flask import Blueprint

from app.api.paths import caller, guard, remembered
from app.api.spec import operation
from app.errors_domain import NotFound, ValidationFailed
from app.extensions import db
from ideas.api import BOARD_ID, visible_board
from ideas.models import Visibility
from ideas.questions import policy
from ideas.questions.models import Answer, Question
from ideas.questions.schemas import (
    AnswerCreate,
    AnswerOut,
    KudosOut,
    QuestionCreate,
    QuestionDetail,
    QuestionListQuery,
    QuestionOut,
    QuestionPage,
    SolutionIn,
    answer_out,
    question_out,
)
from ideas.questions.services import answers as answer_services
from ideas.questions.services import kudos, listing, solutions
from ideas.questions.services import questions as question_services
from ideas.schemas import MAX_ID

questions_api = Blueprint("questions_api", __name__, url_prefix="/api/v1")

# Any number, as in ideas/api.py: the finders answer 404 for one beyond the database's range.
QUESTION_ID = "<int(max=None):question_id>"
ANSWER_ID = "<int(max=None):answer_id>"
NO_QUESTION = "No such question, or it is not yours to see."
NO_ANSWER = "No such answer, or it is not yours to see."
NOT_AN_ANSWER = "One of this question's answers, visible and not deleted."


def visible_question(question_id: int) -> Question:
    def find(ident: int) -> Question:
        question = db.session.get(Question, ident) if 0 < ident <= MAX_ID else None
        if question is None or not policy.can_see_question(caller(), question):
            raise NotFound(NO_QUESTION)
        return question

    return remembered("questions", question_id, find)


def visible_answer(answer_id: int) -> Answer:
    def find(ident: int) -> Answer:
        answer = db.session.get(Answer, ident) if 0 < ident <= MAX_ID else None
        if answer is None or not policy.can_see_answer(caller(), answer):
            raise NotFound(NO_ANSWER)
        return answer

    return remembered("answers", answer_id, find)


guard(questions_api, {"board_id": visible_board, "question_id": visible_question, "answer_id": visible_answer})


def _detail(question: Question) -> QuestionDetail:
    user = caller()
    answers = answer_services.answers_for(question, user)
    given = kudos.given_by(user, answers)
    return QuestionDetail(
        **question_out(question).model_dump(),
        answers=[answer_out(a, solution_id=question.solution_answer_id, my_kudos=a.id in given) for a in answers],
        can_answer=policy.can_take_part(user, question),
        can_accept=policy.can_accept(user, question),
    )


# ---- questions -------------------------------------------------------------------------------------


@operation(
    questions_api,
    "GET",
    f"/boards/{BOARD_ID}/questions",
    summary="List a board's questions",
    query=QuestionListQuery,
    response=QuestionPage,
    errors=(404,),
    tags=("Questions",),
)
def list_questions(board_id: int, query: QuestionListQuery) -> QuestionPage:
    """A board's visible questions, in the view `view` names. Held, hidden and deleted questions
    are left out."""
    questions, next_cursor = listing.list_questions(visible_board(board_id), query.view, query)
    return QuestionPage(data=[question_out(q) for q in questions], next_cursor=next_cursor)


@operation(
    questions_api,
    "POST",
    f"/boards/{BOARD_ID}/questions",
    summary="Ask a question",
    body=QuestionCreate,
    response=QuestionOut,
    status=201,
    errors=(403, 404),
    tags=("Questions",),
)
def ask_question(board_id: int, body: QuestionCreate) -> QuestionOut:
    """Ask on a board where you may take part (403 if you were blocked). From a brand-new account,
    one that looks like spam waits for a moderator (`visibility: pending`)."""
    data = question_services.QuestionInput(body.title, body.body, body.category_id, body.tags)
    return question_out(question_services.ask_question(caller(), visible_board(board_id), data))


@operation(
    questions_api,
    "GET",
    f"/questions/{QUESTION_ID}",
    summary="Get a question with its answers",
    response=QuestionDetail,
    errors=(404,),
    tags=("Questions",),
)
def get_question(question_id: int) -> QuestionDetail:
    """One question and the answers you may see: the accepted solution first, then oldest first.
    Answers waiting for or removed by a moderator show only to their author and the moderators."""
    return _detail(visible_question(question_id))


# ---- answers and kudos -----------------------------------------------------------------------------


@operation(
    questions_api,
    "POST",
    f"/questions/{QUESTION_ID}/answers",
    summary="Answer a question",
    body=AnswerCreate,
    response=AnswerOut,
    status=201,
    errors=(403, 404),
    tags=("Questions",),
)
def post_answer(question_id: int, body: AnswerCreate) -> AnswerOut:
    """Answer a visible question on a board where you may take part (403 otherwise). Answers by
    the organisation's own people are marked official. From a brand-new account, one that looks
    like spam waits for a moderator (`visibility: pending`)."""
    answer = answer_services.post_answer(caller(), visible_question(question_id), body.body)
    return answer_out(answer, solution_id=None, my_kudos=False)


def _kudos(answer: Answer, count: int, given: bool) -> KudosOut:
    return KudosOut(answer_id=answer.id, kudos_count=count, my_kudos=given)


@operation(
    questions_api,
    "PUT",
    f"/answers/{ANSWER_ID}/kudos",
    summary="Give an answer kudos",
    response=KudosOut,
    errors=(403, 404),
    tags=("Questions",),
)
def give_kudos(answer_id: int) -> KudosOut:
    """One kudos per member and answer: giving again changes nothing. Never on your own answer,
    nor on a deleted or held one (422). 403 where you may not take part."""
    answer = visible_answer(answer_id)
    return _kudos(answer, kudos.give_kudos(caller(), answer), True)


@operation(
    questions_api,
    "DELETE",
    f"/answers/{ANSWER_ID}/kudos",
    summary="Take your kudos back",
    response=KudosOut,
    errors=(403, 404),
    tags=("Questions",),
)
def take_back_kudos(answer_id: int) -> KudosOut:
    """Without kudos given, nothing changes."""
    answer = visible_answer(answer_id)
    return _kudos(answer, kudos.take_back_kudos(caller(), answer), False)


# ---- solutions -------------------------------------------------------------------------------------


@operation(
    questions_api,
    "PUT",
    f"/questions/{QUESTION_ID}/solution",
    summary="Accept an answer as the solution",
    body=SolutionIn,
    response=QuestionDetail,
    errors=(403, 404),
    tags=("Questions",),
)
def accept_solution(question_id: int, body: SolutionIn) -> QuestionDetail:
    """For the asker, the board's product managers and moderators, and members of a high reputation
    level (403 for others). Replaces the solution accepted before; the same one again changes
    nothing."""
    question, user = visible_question(question_id), caller()
    answer = db.session.get(Answer, body.answer_id)
    if (
        answer is None
        or answer.question_id != question.id
        or answer.is_deleted
        or answer.visibility != Visibility.VISIBLE
        or not policy.can_see_answer(user, answer)
    ):
        raise ValidationFailed(NOT_AN_ANSWER, {"answer_id": [NOT_AN_ANSWER]})
    solutions.accept_solution(user, question, answer)
    return _detail(question)


@operation(
    questions_api,
    "DELETE",
    f"/questions/{QUESTION_ID}/solution",
    summary="Take the solution back",
    response=QuestionDetail,
    errors=(403, 404),
    tags=("Questions",),
)
def unaccept_solution(question_id: int) -> QuestionDetail:
    """The question is unsolved again; without a solution, nothing changes. For those who may
    accept one (403 for others)."""
    question = visible_question(question_id)
    solutions.unaccept_solution(caller(), question)
    return _detail(question)
