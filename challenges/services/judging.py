"""Judging: judges score each active submission per criterion (0–10) once the deadline has passed;
results rank the submissions by their weighted total and say how far the judges agree.

A weighted total is sum(weight × mean score of the criterion) / sum(weights), on the same 0–10 scale.
Agreement is the standard deviation of the judges' own weighted totals: near 0 they agree.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from challenges import policy
from challenges.models import Challenge, Criterion, Score, State, Submission, SubmissionState

SCORE_MIN, SCORE_MAX = 0, 10
COMMENT_MAX, FEEDBACK_MAX = 5_000, 20_000
# Standard deviation of judges' totals (0–10 scale) up to which agreement is high, then medium.
HIGH_AGREEMENT, MEDIUM_AGREEMENT = 1.0, 2.0


def judging_open(challenge: Challenge, now: datetime | None = None) -> bool:
    """Scores are given after the deadline and until the awards are made."""
    return challenge.phase(now) in (State.CLOSED, State.JUDGING)


def _fresh_submission(submission: Submission) -> Submission:
    return db.session.scalars(
        select(Submission).where(Submission.id == submission.id).execution_options(populate_existing=True)
    ).one()


def _check_judging(judge: User, submission: Submission, now: datetime) -> None:
    challenge = submission.challenge
    if not policy.can_judge(judge, challenge):
        raise NotAllowed("Only the organisation's judges can score submissions.")
    if not submission.is_active:
        raise Conflict("This submission was withdrawn; it is not judged.")
    phase = challenge.phase(now)
    if phase == State.OPEN:
        raise Conflict("Scoring starts once the submission deadline has passed.")
    if phase not in (State.CLOSED, State.JUDGING):
        raise Conflict(f"The challenge is {State.LABELS[phase].lower()}: scores can no longer change.")


def _clean_scores(challenge: Challenge, values: dict, comments: dict | None) -> dict[int, tuple[int, str]]:
    """criterion id -> (value, comment); every criterion of the challenge must be scored."""
    comments = comments or {}
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, tuple[int, str]] = {}
    known = {criterion.id: criterion for criterion in challenge.criteria}
    unknown = set(values) - set(known)
    if unknown:
        raise ValidationFailed("Score only this challenge's criteria.")
    for criterion_id, criterion in known.items():
        value = values.get(criterion_id)
        if isinstance(value, bool) or not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
            errors[f"score_{criterion_id}"] = [f"Give “{criterion.name}” a whole number from 0 to 10."]
            continue
        comment = (comments.get(criterion_id) or "").strip()
        if len(comment) > COMMENT_MAX:
            errors[f"comment_{criterion_id}"] = [f"Keep comments under {COMMENT_MAX} characters."]
            continue
        cleaned[criterion_id] = (value, comment)
    if errors:
        raise ValidationFailed("Score every criterion from 0 to 10.", errors)
    return cleaned


def _upsert(rows: list[dict]) -> None:
    """INSERT ... ON CONFLICT (submission, judge, criterion) DO UPDATE: two tabs saving the same
    scorecard at once both succeed, and the database keeps one row per criterion."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(Score).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[Score.submission_id, Score.judge_id, Score.criterion_id],
        set_={
            "value": statement.excluded.value,
            "comment": statement.excluded.comment,
            "scored_at": statement.excluded.scored_at,
        },
    )
    db.session.execute(statement)


@writes
def score(
    judge: User,
    submission: Submission,
    values: dict[int, int],
    comments: dict[int, str] | None = None,
    now: datetime | None = None,
) -> list[Score]:
    """Save `judge`'s scorecard for `submission` (again, if they change their mind).

    Raises NotAllowed (not a judge), Conflict (before the deadline, withdrawn, awarded or cancelled)
    or ValidationFailed (a criterion without a 0–10 score)."""
    submission = _fresh_submission(submission)
    now = now or utcnow()
    _check_judging(judge, submission, now)
    cleaned = _clean_scores(submission.challenge, values, comments)
    _upsert(
        [
            {
                "submission_id": submission.id,
                "judge_id": judge.id,
                "criterion_id": criterion_id,
                "value": value,
                "comment": comment,
                "scored_at": now,
            }
            for criterion_id, (value, comment) in cleaned.items()
        ]
    )
    events.publish(events.SubmissionScored(submission.id, judge.id))
    db.session.commit()
    audit.event("challenge.scored", submission_id=submission.id, user_id=judge.id)
    return scores_by(submission, judge)


def has_begun(challenge: Challenge) -> bool:
    """Whether any judge has scored, shortlisted or given feedback on a submission of the challenge
    (reopening submissions would then let solvers rewrite what was judged)."""
    judged = (
        select(Submission.id)
        .where(Submission.challenge_id == challenge.id)
        .where(
            Submission.shortlisted.is_(True)
            | ((Submission.feedback.is_not(None)) & (Submission.feedback != ""))
            | select(Score.id).where(Score.submission_id == Submission.id).exists()
        )
    )
    return db.session.scalar(judged.limit(1)) is not None


def _check_reviewer(actor: User, submission: Submission) -> None:
    # Shortlist and feedback are the judges' work: a product manager who is not a judge cannot even
    # read the submissions.
    if not policy.can_judge(actor, submission.challenge):
        raise NotAllowed("Only the organisation's judges can do that.")
    if not submission.is_active:
        raise Conflict("This submission was withdrawn.")


@writes
def set_shortlisted(actor: User, submission: Submission, shortlisted: bool, now: datetime | None = None) -> Submission:
    submission = _fresh_submission(submission)
    _check_reviewer(actor, submission)
    if not judging_open(submission.challenge, now):
        raise Conflict("The shortlist is made after the deadline and before the awards.")
    if submission.shortlisted != bool(shortlisted):
        submission.shortlisted = bool(shortlisted)
        events.publish(events.SubmissionShortlisted(submission.id, submission.shortlisted, actor.id))
    db.session.commit()
    return submission


@writes
def set_feedback(actor: User, submission: Submission, text: str, now: datetime | None = None) -> Submission:
    """Private feedback for the solver (Markdown), shown to them with their submission."""
    submission = _fresh_submission(submission)
    _check_reviewer(actor, submission)
    if submission.challenge.phase(now) in (State.OPEN, State.CANCELLED):
        raise Conflict("Feedback is given once the deadline has passed.")
    text = (text or "").strip()
    if len(text) > FEEDBACK_MAX:
        raise ValidationFailed("The feedback is too long.", {"feedback": [f"At most {FEEDBACK_MAX} characters."]})
    submission.feedback = text
    db.session.commit()
    audit.event("challenge.feedback", submission_id=submission.id, user_id=actor.id)
    return submission


def feedback_for(user: User | None, submission: Submission) -> str | None:
    """The organisation's private feedback (Markdown) for whoever may see the submission (its
    solver, the judges), or None."""
    if not submission.feedback or not policy.can_see_submission(user, submission):
        return None
    return submission.feedback


# --------------------------------------------------------------------------- reading scores


def scores_by(submission: Submission, judge: User) -> list[Score]:
    return list(
        db.session.scalars(select(Score).where(Score.submission_id == submission.id, Score.judge_id == judge.id))
    )


def other_scores(submission: Submission, judge: User) -> dict[User, dict[int, Score]]:
    """The other judges' scorecards, judge -> criterion id -> Score; shown once `judge` has scored,
    so nobody anchors on a colleague's numbers."""
    rows = db.session.scalars(
        select(Score)
        .options(joinedload(Score.judge))
        .where(Score.submission_id == submission.id, Score.judge_id != judge.id)
        .order_by(Score.judge_id)
    )
    cards: dict[User, dict[int, Score]] = {}
    for row in rows:
        cards.setdefault(row.judge, {})[row.criterion_id] = row
    return cards


@dataclass
class Result:
    """One active submission as the judges see it."""

    submission: Submission
    rank: int = 0
    total: float | None = None  # weighted, 0–10
    judges: int = 0
    spread: float | None = None  # standard deviation of the judges' totals (two judges or more)
    criterion_means: dict[int, float] = field(default_factory=dict)

    @property
    def agreement(self) -> str:
        if self.spread is None:
            return ""
        if self.spread <= HIGH_AGREEMENT:
            return "high"
        return "medium" if self.spread <= MEDIUM_AGREEMENT else "low"


def _weighted(values: dict[int, float], weights: dict[int, int]) -> float | None:
    """Weighted mean over the criteria that have a value."""
    scored = [cid for cid in values if cid in weights]
    total_weight = sum(weights[cid] for cid in scored)
    if not total_weight:
        return None
    return sum(weights[cid] * values[cid] for cid in scored) / total_weight


def results(challenge: Challenge) -> list[Result]:
    """Active submissions ranked by weighted total (unscored last; ties go to the submission with
    more judges, then to the earlier one). Three queries whatever the number of submissions."""
    weights = {
        c.id: c.weight for c in db.session.scalars(select(Criterion).where(Criterion.challenge_id == challenge.id))
    }
    submissions = list(
        db.session.scalars(
            select(Submission)
            .options(joinedload(Submission.solver))
            .where(Submission.challenge_id == challenge.id, Submission.state == SubmissionState.ACTIVE)
        )
    )
    cells: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))  # sub -> judge -> crit
    for submission_id, judge_id, criterion_id, value in db.session.execute(
        select(Score.submission_id, Score.judge_id, Score.criterion_id, Score.value)
        .join(Submission, Submission.id == Score.submission_id)
        .where(Submission.challenge_id == challenge.id, Submission.state == SubmissionState.ACTIVE)
    ):
        cells[submission_id][judge_id][criterion_id] = value
    ranked = []
    for submission in submissions:
        by_judge = cells.get(submission.id, {})
        result = Result(submission=submission, judges=len(by_judge))
        per_criterion: dict[int, list[int]] = defaultdict(list)
        for card in by_judge.values():
            for criterion_id, value in card.items():
                per_criterion[criterion_id].append(value)
        result.criterion_means = {cid: statistics.fmean(vals) for cid, vals in per_criterion.items()}
        result.total = _weighted(result.criterion_means, weights)
        judge_totals = [t for t in (_weighted(card, weights) for card in by_judge.values()) if t is not None]
        if len(judge_totals) >= 2:
            result.spread = statistics.pstdev(judge_totals)
        ranked.append(result)
    ranked.sort(key=lambda r: (r.total is None, -(r.total or 0), -r.judges, r.submission.submitted_at, r.submission.id))
    for position, result in enumerate(ranked, start=1):
        result.rank = position
    return ranked
