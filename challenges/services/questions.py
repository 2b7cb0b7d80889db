"""Questions on a challenge: solvers ask, the organisation answers publicly (a clarification every
solver sees and is told about) or privately (only the asker), or posts a clarification unasked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from challenges import policy
from challenges.models import Challenge, Question, State

BODY_MIN, BODY_MAX = 10, 5_000
# Questions make sense until the organisation has decided.
ASKABLE = (State.OPEN, State.CLOSED, State.JUDGING)
CLARIFIABLE = (State.DRAFT, State.AWAITING_FUNDING, State.OPEN, State.CLOSED, State.JUDGING)


def _clean(body: str, name: str = "body") -> str:
    body = (body or "").strip()
    if not BODY_MIN <= len(body) <= BODY_MAX:
        raise ValidationFailed(
            f"Write {BODY_MIN} to {BODY_MAX} characters.", {name: [f"Write {BODY_MIN} to {BODY_MAX} characters."]}
        )
    return body


@writes
def ask(user: User, challenge: Challenge, body: str, now: datetime | None = None) -> Question:
    """A signed-in outsider asks; the organisation sees it at once, nobody else until it is answered
    publicly. Raises NotAllowed, Conflict (awarded, cancelled...) or ValidationFailed."""
    if not policy.signed_in(user) or not policy.can_see(user, challenge):
        raise NotAllowed("Sign in to ask a question.")
    if policy.is_org_member(user, challenge):
        raise NotAllowed("Members of the organisation answer questions here; they do not ask them.")
    now = now or utcnow()
    if challenge.phase(now) not in ASKABLE:
        raise Conflict(f"This challenge is {State.LABELS[challenge.phase(now)].lower()}: it takes no more questions.")
    question = Question(challenge_id=challenge.id, asker_id=user.id, body=_clean(body), asked_at=now)
    db.session.add(question)
    db.session.commit()
    audit.event("challenge.question_asked", challenge_id=challenge.id, question_id=question.id, user_id=user.id)
    return question


def _publish(question: Question, actor: User) -> None:
    event = events.ClarificationPosted if question.is_public else events.QuestionAnswered
    events.publish(event(question.id, question.challenge_id, actor.id))


@writes
def answer(actor: User, question: Question, body: str, public: bool, now: datetime | None = None) -> Question:
    """Answer once, publicly (everyone who can see the challenge reads it; participants are told) or
    privately (the asker only)."""
    question = db.session.scalars(select(Question).where(Question.id == question.id).with_for_update()).one()
    challenge = db.session.get(Challenge, question.challenge_id)
    if not policy.can_manage(actor, challenge):
        raise NotAllowed("Only the organisation's admins and product managers answer questions.")
    if question.answered_at is not None:
        raise Conflict("This question has already been answered.")
    now = now or utcnow()
    # Once awarded or cancelled the challenge is over: an answer would only notify everyone for nothing.
    if challenge.phase(now) not in CLARIFIABLE:
        raise Conflict(f"This challenge is {State.LABELS[challenge.phase(now)].lower()}: questions are closed.")
    question.answer, question.is_public = _clean(body, "answer"), bool(public)
    question.answered_by_id, question.answered_at = actor.id, now
    _publish(question, actor)
    db.session.commit()
    return question


@writes
def post_clarification(actor: User, challenge: Challenge, body: str, now: datetime | None = None) -> Question:
    """A public answer nobody asked for: a correction or detail for every solver."""
    if not policy.can_manage(actor, challenge):
        raise NotAllowed("Only the organisation's admins and product managers post clarifications.")
    now = now or utcnow()
    if challenge.phase(now) not in CLARIFIABLE:
        raise Conflict(f"This challenge is {State.LABELS[challenge.phase(now)].lower()}: clarifications are closed.")
    question = Question(
        challenge_id=challenge.id,
        asker_id=None,
        body="",
        asked_at=now,
        answer=_clean(body, "answer"),
        is_public=True,
        answered_by_id=actor.id,
        answered_at=now,
    )
    db.session.add(question)
    db.session.flush()
    _publish(question, actor)
    db.session.commit()
    return question


def visible_questions(user: User | None, challenge: Challenge) -> list[Question]:
    """What `user` may read, oldest first: everything for the organisation; otherwise public answers
    and the user's own questions. The filter is `policy.can_see_question` written as SQL, so the
    list costs one query (two with the askers)."""
    if not policy.can_see(user, challenge):
        return []
    query = select(Question).where(Question.challenge_id == challenge.id)
    if not policy.is_org_member(user, challenge):
        public = (Question.is_public.is_(True)) & Question.answered_at.is_not(None)
        query = query.where(or_(public, Question.asker_id == user.id) if policy.signed_in(user) else public)
    return list(db.session.scalars(query.options(selectinload(Question.asker)).order_by(Question.id)))


def question_or_none(challenge: Challenge, question_id: int) -> Question | None:
    return db.session.scalar(select(Question).where(Question.id == question_id, Question.challenge_id == challenge.id))
