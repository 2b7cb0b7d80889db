"""Judging and awards in the JSON API: judges' scorecards, the ranked results, and the awards the
organisation makes and winners accept or decline."""

from __future__ import annotations

from app.api.spec import operation
from app.errors_domain import NotAllowed, NotFound, ValidationFailed
from challenges import policy
from challenges.api.common import (
    AWARD_ID,
    CHALLENGE_ID,
    NO_CHALLENGE,
    SUBMISSION_ID,
    caller,
    challenge_json,
    challenges_api,
    may_see_award,
    visible_award,
    visible_challenge,
    visible_submission,
)
from challenges.api.solving import submission_json
from challenges.models import Award, Challenge, Score, Submission
from challenges.schemas import (
    AwardList,
    AwardOut,
    AwardsIn,
    ChallengeDetail,
    CriterionMean,
    FeedbackIn,
    ReasonIn,
    ResultList,
    ResultOut,
    ScorecardIn,
    ScorecardOut,
    ScoreOut,
    ScoresOut,
    ShortlistIn,
    SubmissionOut,
    award_out,
)
from challenges.services import awards, judging
from ideas.schemas import user_ref

JUDGING, AWARDS = ("Judging",), ("Awards",)
JUDGES_ONLY = "Only the organisation's judges can do that."


def _require_judge(challenge: Challenge) -> None:
    """Judges only: 403 for the organisation's other members, 404 for outsiders (as on the site)."""
    user = caller()
    if not policy.can_judge(user, challenge):
        if policy.is_org_member(user, challenge):
            raise NotAllowed(JUDGES_ONLY)
        raise NotFound(NO_CHALLENGE)


def _card(judge, scores: list[Score]) -> ScorecardOut:
    return ScorecardOut(
        judge=user_ref(judge),
        scores=[
            ScoreOut(criterion_id=s.criterion_id, value=s.value, comment=s.comment)
            for s in sorted(scores, key=lambda s: s.criterion_id)
        ],
        scored_at=max((s.scored_at for s in scores), default=None),
    )


def _scores(submission: Submission) -> ScoresOut:
    user = caller()
    mine = judging.scores_by(submission, user)
    if not mine:
        return ScoresOut(mine=None, others=[])
    others = [_card(judge, list(card.values())) for judge, card in judging.other_scores(submission, user).items()]
    return ScoresOut(mine=_card(user, mine), others=others)


@operation(
    challenges_api,
    "GET",
    f"/submissions/{SUBMISSION_ID}/scores",
    summary="Read a submission's scores",
    response=ScoresOut,
    errors=(404,),
    tags=JUDGING,
)
def get_scores(submission_id: int) -> ScoresOut:
    """Your scorecard, and the other judges' once you have scored yours (so nobody anchors on a
    colleague's numbers). For the organisation's judges only: 404 for anyone else, the
    submission's author included."""
    return _scores(visible_submission(submission_id))


@operation(
    challenges_api,
    "PUT",
    f"/submissions/{SUBMISSION_ID}/scores",
    summary="Score a submission",
    body=ScorecardIn,
    response=ScoresOut,
    errors=(404, 409),
    tags=JUDGING,
    description="Save your scorecard: a whole number from 0 to 10 for every criterion of the challenge, "
    "with an optional comment for the other judges. Saving again replaces it. After the "
    "deadline and until the awards (409 otherwise, and for a withdrawn submission). For the "
    "organisation's judges only (404 for anyone else, before the body is read).",
)
def put_scores(submission_id: int, body: ScorecardIn) -> ScoresOut:
    submission = visible_submission(submission_id)
    ids = [s.criterion_id for s in body.scores]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("Score each criterion once.", {"scores": ["A criterion appears twice."]})
    judging.score(
        caller(),
        submission,
        {s.criterion_id: s.value for s in body.scores},
        {s.criterion_id: s.comment for s in body.scores},
    )
    return _scores(submission)


@operation(
    challenges_api,
    "PUT",
    f"/submissions/{SUBMISSION_ID}/shortlist",
    summary="Shortlist a submission",
    body=ShortlistIn,
    response=SubmissionOut,
    errors=(404, 409),
    tags=JUDGING,
    description="Put a submission on the judges' shortlist, or take it off (the same answer twice changes "
    "nothing). After the deadline and until the awards (409 otherwise, and for a withdrawn "
    "submission). Solvers never see the shortlist. For the "
    "organisation's judges only (404 for anyone else, before the body is read).",
)
def put_shortlist(submission_id: int, body: ShortlistIn) -> SubmissionOut:
    return submission_json(judging.set_shortlisted(caller(), visible_submission(submission_id), body.shortlisted))


@operation(
    challenges_api,
    "PUT",
    f"/submissions/{SUBMISSION_ID}/feedback",
    summary="Give feedback",
    body=FeedbackIn,
    response=SubmissionOut,
    errors=(404, 409),
    tags=JUDGING,
    description="Private feedback for the solver (Markdown), shown to them with their submission; "
    "saving again replaces it, an empty text removes it. Once the deadline has passed (409 "
    "before, and for a withdrawn submission). For the organisation's judges only (404 for "
    "anyone else, before the body is read).",
)
def put_feedback(submission_id: int, body: FeedbackIn) -> SubmissionOut:
    return submission_json(judging.set_feedback(caller(), visible_submission(submission_id), body.feedback))


@operation(
    challenges_api,
    "GET",
    f"/challenges/{CHALLENGE_ID}/results",
    summary="Ranked results",
    response=ResultList,
    errors=(403, 404),
    tags=JUDGING,
)
def get_results(challenge_id: int) -> ResultList:
    """Active submissions ranked by their weighted total, with how far the judges agree. For the
    organisation's judges (403 for its other members, 404 for anyone else)."""
    challenge = visible_challenge(challenge_id)
    _require_judge(challenge)
    return ResultList(
        data=[
            ResultOut(
                rank=r.rank,
                submission_id=r.submission.id,
                title=r.submission.title,
                solver=user_ref(r.submission.solver),
                shortlisted=r.submission.shortlisted,
                total=r.total,
                judges=r.judges,
                spread=r.spread,
                agreement=r.agreement,
                criterion_means=[
                    CriterionMean(criterion_id=cid, mean=mean) for cid, mean in sorted(r.criterion_means.items())
                ],
            )
            for r in judging.results(challenge)
        ]
    )


# ---- awards --------------------------------------------------------------------------------------


def _award_json(award: Award) -> AwardOut:
    return award_out(award, awards.phase(award))


@operation(
    challenges_api,
    "GET",
    f"/challenges/{CHALLENGE_ID}/awards",
    summary="List awards",
    response=AwardList,
    errors=(404,),
    tags=AWARDS,
)
def list_awards(challenge_id: int) -> AwardList:
    """Every award, by place, for the organisation's managers and judges; anyone else sees only
    the awards made to them (awards name confidential submissions)."""
    challenge, user = visible_challenge(challenge_id), caller()
    return AwardList(data=[_award_json(a) for a in awards.awards_of(challenge) if may_see_award(user, a)])


@operation(
    challenges_api,
    "POST",
    f"/challenges/{CHALLENGE_ID}/awards",
    summary="Make the awards",
    body=AwardsIn,
    response=AwardList,
    status=201,
    errors=(403, 404, 409),
    tags=AWARDS,
    description="Split the funded reward among submissions, first place first: at most the challenge's "
    "winner count, adding up to the funded reward or less (the rest is refunded). The "
    "challenge becomes awarded. Under exclusive assignment each winner must accept within "
    "the acceptance days; otherwise awards are accepted at once. After the deadline only, "
    "and once (409). For the organisation's admins and product managers (403 otherwise).",
)
def make_awards(challenge_id: int, body: AwardsIn) -> AwardList:
    challenge = visible_challenge(challenge_id)
    made = awards.award(caller(), challenge, [(a.submission_id, a.amount) for a in body.allocations])
    return AwardList(data=[_award_json(a) for a in made])


@operation(
    challenges_api,
    "POST",
    f"/challenges/{CHALLENGE_ID}/no-winner",
    summary="Declare no winner",
    body=ReasonIn,
    response=ChallengeDetail,
    errors=(403, 404, 409),
    tags=AWARDS,
    description="Close the challenge after the deadline without a winner: it is cancelled, solvers are "
    "told why (a reason of at least 10 characters), and the whole funded reward follows the "
    "refund policy. For the organisation's admins and product managers (403 otherwise).",
)
def declare_no_winner(challenge_id: int, body: ReasonIn) -> ChallengeDetail:
    return challenge_json(awards.declare_no_winner(caller(), visible_challenge(challenge_id), body.reason))


def _answer(action: str, summary: str, description: str):
    return operation(
        challenges_api,
        "POST",
        f"/awards/{AWARD_ID}/{action}",
        summary=summary,
        response=AwardOut,
        errors=(403, 404, 409),
        tags=AWARDS,
        description=description,
    )


@_answer(
    "accept",
    "Accept an award",
    "The winner accepts the award (and, under exclusive assignment, assigns the rights) before "
    "`accept_by`; 409 once that has passed. Accepting again changes nothing. Only the winner (403).",
)
def accept_award(award_id: int) -> AwardOut:
    return _award_json(awards.accept_award(caller(), visible_award(award_id)))


@_answer(
    "decline",
    "Decline an award",
    "The winner turns an offered award down; the organisation may pass it to the next-ranked "
    "submission. Only while it is offered (409). Only the winner (403).",
)
def decline_award(award_id: int) -> AwardOut:
    return _award_json(awards.decline_award(caller(), visible_award(award_id)))


@_answer(
    "release",
    "Refund an award's share instead",
    "A lapsed or declined award that was not passed on: refund its amount under the refund policy instead "
    "of offering it to the next-ranked submission. Final; 409 when the award is live, was passed on or "
    "released already. For the organisation's admins and product managers (403 otherwise).",
)
def release_award(award_id: int) -> AwardOut:
    return _award_json(awards.release_award(caller(), visible_award(award_id)))
