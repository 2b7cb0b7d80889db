"""What every challenges operation shares: the blueprint, the path arguments and the lookups that
answer 404 for what the caller may not see (checked by `app.api.paths.guard` before any input)."""

from __future__ import annotations

from flask import Blueprint, request

from app.api.paths import caller, guard, remembered
from app.auth.models import User
from app.errors_domain import NotFound
from app.extensions import db
from challenges import policy
from challenges.models import Award, Challenge, Question, Submission
from challenges.schemas import MAX_ID, CallerView, ChallengeDetail, challenge_detail
from challenges.services import listing, solving

challenges_api = Blueprint("challenges_api", __name__, url_prefix="/api/v1")

# Any number, bounded by the lookups below (see the note on BOARD_ID in ideas/api.py).
CHALLENGE_ID = "<int(max=None):challenge_id>"
SUBMISSION_ID = "<int(max=None):submission_id>"
QUESTION_ID = "<int(max=None):question_id>"
AWARD_ID = "<int(max=None):award_id>"
NO_CHALLENGE = "No such challenge, or it is not yours to see."
NO_SUBMISSION = "No such submission, or it is not yours to see."
NO_QUESTION = "No such question, or it is not yours to see."
NO_AWARD = "No such award, or it is not yours to see."
NO_SCORES = "Only the organisation's judges see or do this."
# Scorecards answer 404 to anyone but the organisation's judges, before their input is read.
JUDGES_ONLY = {
    "challenges_api.get_scores",
    "challenges_api.put_scores",
    "challenges_api.put_shortlist",
    "challenges_api.put_feedback",
}
TAG = ("Challenges",)
MANAGERS_ONLY = " For the organisation's admins and product managers (403 for anyone else)."


# ---- finding what a path names --------------------------------------------------------------------


def _get(model, ident: int):
    return db.session.get(model, ident) if 0 < ident <= MAX_ID else None


def visible_challenge(challenge_id: int) -> Challenge:
    """The challenge, if the caller may see it (public, or of one of their organisations).
    Raises NotFound otherwise."""

    def find(ident):
        challenge = _get(Challenge, ident)
        if challenge is None or not policy.can_see(caller(), challenge):
            raise NotFound(NO_CHALLENGE)
        return challenge

    return remembered("challenges", challenge_id, find)


def visible_submission(submission_id: int) -> Submission:
    """The submission, for its author and the organisation's judges only. Raises NotFound otherwise."""

    def find(ident):
        submission = _get(Submission, ident)
        if submission is None or not policy.can_see_submission(caller(), submission):
            raise NotFound(NO_SUBMISSION)
        return submission

    return remembered("submissions", submission_id, find)


def visible_question(question_id: int) -> Question:
    """A question the caller may read: answered publicly, their own, or any for the organisation."""

    def find(ident):
        question = _get(Question, ident)
        challenge = _get(Challenge, question.challenge_id) if question is not None else None
        if challenge is None or not policy.can_see_question(caller(), question, challenge):
            raise NotFound(NO_QUESTION)
        return question

    return remembered("questions", question_id, find)


def may_see_award(user: User, award: Award) -> bool:
    """The winner, and the organisation's managers and judges: awards name confidential submissions."""
    challenge = award.challenge
    return award.solver_id == user.id or policy.can_manage(user, challenge) or policy.can_judge(user, challenge)


def visible_award(award_id: int) -> Award:
    def find(ident):
        award = _get(Award, ident)
        if award is None or not may_see_award(caller(), award):
            raise NotFound(NO_AWARD)
        return award

    return remembered("awards", award_id, find)


FINDERS = {
    "challenge_id": visible_challenge,
    "submission_id": visible_submission,
    "question_id": visible_question,
    "award_id": visible_award,
}


def _judges_only() -> None:
    if request.endpoint in JUDGES_ONLY and not policy.can_judge(
        caller(), visible_submission(request.view_args["submission_id"]).challenge
    ):
        raise NotFound(NO_SCORES)  # judges' work on a submission is not its solver's, even their own


guard(challenges_api, FINDERS, then=_judges_only)


def challenge_json(challenge: Challenge) -> ChallengeDetail:
    """The challenge in full, as the caller may see it."""
    user = caller()
    mine = solving.my_submission(user, challenge)
    you = CallerView(
        can_manage=policy.can_manage(user, challenge),
        can_judge=policy.can_judge(user, challenge),
        has_agreed=policy.has_agreed(user, challenge),
        submission_id=mine.id if mine else None,
    )
    return challenge_detail(
        challenge,
        member=policy.is_org_member(user, challenge),
        confidential=policy.can_see_confidential(user, challenge),
        idea_ids=[idea.id for idea in listing.linked_ideas(challenge, user)],
        changes=listing.deadline_history(challenge),
        you=you,
    )
