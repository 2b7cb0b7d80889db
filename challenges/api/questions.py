"""Questions and clarifications in the JSON API: solvers ask; the organisation answers publicly
(a clarification every solver reads) or privately (the asker only)."""

from __future__ import annotations

from app.api.spec import operation
from challenges import policy
from challenges.api.common import CHALLENGE_ID, QUESTION_ID, caller, challenges_api, visible_challenge, visible_question
from challenges.models import Challenge, Question
from challenges.schemas import AnswerIn, QuestionIn, QuestionList, QuestionOut, question_out
from challenges.services import questions

TAG = ("Questions",)


def _json(question: Question, challenge: Challenge) -> QuestionOut:
    user = caller()
    return question_out(question, mine=question.asker_id == user.id, show_asker=policy.is_org_member(user, challenge))


@operation(
    challenges_api,
    "GET",
    f"/challenges/{CHALLENGE_ID}/questions",
    summary="List questions",
    response=QuestionList,
    errors=(404,),
    tags=TAG,
)
def list_questions(challenge_id: int) -> QuestionList:
    """Public clarifications and your own questions, oldest first; the organisation's members see
    every question, answered or not, with who asked it."""
    challenge = visible_challenge(challenge_id)
    return QuestionList(data=[_json(q, challenge) for q in questions.visible_questions(caller(), challenge)])


@operation(
    challenges_api,
    "POST",
    f"/challenges/{CHALLENGE_ID}/questions",
    summary="Ask a question",
    body=QuestionIn,
    response=QuestionOut,
    status=201,
    errors=(403, 404, 409),
    tags=TAG,
    description="A solver asks; only the organisation sees the question until it is answered publicly. "
    "The organisation's admins and product managers post a clarification instead: a public "
    "answer nobody asked for, which every participant is told about (its `body` is the "
    "answer). Other members of the organisation: 403. Questions close once the challenge is "
    "awarded or cancelled (409).",
)
def ask_question(challenge_id: int, body: QuestionIn) -> QuestionOut:
    challenge, user = visible_challenge(challenge_id), caller()
    if policy.can_manage(user, challenge):
        question = questions.post_clarification(user, challenge, body.body)
    else:
        question = questions.ask(user, challenge, body.body)
    return _json(question, challenge)


@operation(
    challenges_api,
    "POST",
    f"/questions/{QUESTION_ID}/answer",
    summary="Answer a question",
    body=AnswerIn,
    response=QuestionOut,
    errors=(403, 404, 409),
    tags=TAG,
    description="Answer once, publicly (a clarification for everyone; participants are told) or "
    "privately (the asker only). For the organisation's admins and product managers "
    "(403 otherwise); 409 if it was answered already.",
)
def answer_question(question_id: int, body: AnswerIn) -> QuestionOut:
    question = visible_question(question_id)
    answered = questions.answer(caller(), question, body.body, body.public)
    return _json(answered, visible_challenge(question.challenge_id))
