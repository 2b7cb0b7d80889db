"""What earns and costs points, and the subscribers that apply it as things happen.

Rules that follow from the source tables (votes, delivered ideas, accepted answers, shortlists,
awards) are written as queries (`derive_*`), used both live and by `flask reputation rebuild`,
so the two can never disagree. Penalties from moderators (spam, rejected flags) exist only as
events.
"""

from __future__ import annotations

from sqlalchemy import case, func, select

from app import events
from app.extensions import db
from app.reputation import services
from app.reputation.points import POINTS
from challenges.models import Award, AwardState, Challenge, Submission, SubmissionState
from ideas.models import Board, Comment, Idea, Status, Vote

ANSWERS_FOR_BADGE = 10


def vote_points(value: int) -> int:
    return {1: POINTS["vote_up"], -1: POINTS["vote_down"]}.get(value, 0)


# -- derived rules: {subject_id: (organisation_id, {user_id: points})} -----------------------

Derived = dict[int, tuple[int, dict[int, int]]]


def _collect(rows) -> Derived:
    result: Derived = {}
    for subject_id, org_id, user_id, points in rows:
        if user_id is not None and points:
            result.setdefault(subject_id, (org_id, {}))[1][user_id] = int(points)
    return result


def derive_votes(idea_ids: list[int] | None = None) -> Derived:
    """Votes received by each idea's author, never counting the author's own vote."""
    points = func.sum(case((Vote.value == 1, POINTS["vote_up"]), else_=POINTS["vote_down"]))
    query = (
        select(Idea.id, Board.organisation_id, Idea.author_id, points)
        .join(Vote, Vote.idea_id == Idea.id)
        .join(Board, Board.id == Idea.board_id)
        .where(Vote.user_id != Idea.author_id)
        .group_by(Idea.id, Board.organisation_id, Idea.author_id)
    )
    return _collect(db.session.execute(_only(query, Idea.id, idea_ids)))


def derive_delivered(idea_ids: list[int] | None = None) -> Derived:
    query = (
        select(Idea.id, Board.organisation_id, Idea.author_id, POINTS["delivered"])
        .join(Board, Board.id == Idea.board_id)
        .where(Idea.status == Status.DELIVERED)
    )
    return _collect(db.session.execute(_only(query, Idea.id, idea_ids)))


def derive_accepted(comment_ids: list[int] | None = None) -> Derived:
    """Accepted answers, except a product manager accepting their own comment."""
    query = (
        select(Comment.id, Board.organisation_id, Comment.author_id, POINTS["accepted"])
        .join(Idea, Idea.id == Comment.idea_id)
        .join(Board, Board.id == Idea.board_id)
        .where(
            Comment.accepted_at.is_not(None),
            Comment.deleted_at.is_(None),
            Comment.author_id != func.coalesce(Comment.accepted_by_id, -1),
        )
    )
    return _collect(db.session.execute(_only(query, Comment.id, comment_ids)))


def derive_shortlisted(submission_ids: list[int] | None = None) -> Derived:
    query = (
        select(Submission.id, Challenge.organisation_id, Submission.solver_id, POINTS["shortlisted"])
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .where(Submission.shortlisted.is_(True), Submission.state == SubmissionState.ACTIVE)
    )
    return _collect(db.session.execute(_only(query, Submission.id, submission_ids)))


def derive_awarded(award_ids: list[int] | None = None) -> Derived:
    """An award counts once the winner has accepted it (an offer may still lapse)."""
    query = (
        select(Award.id, Challenge.organisation_id, Award.solver_id, POINTS["awarded"])
        .join(Challenge, Challenge.id == Award.challenge_id)
        .where(Award.state.in_((AwardState.ACCEPTED, AwardState.PAID)))
    )
    return _collect(db.session.execute(_only(query, Award.id, award_ids)))


def _only(query, column, ids):
    return query if ids is None else query.where(column.in_(ids))


# (kind, subject type, derivation): everything `rebuild` can regenerate from the source tables.
DERIVED = (
    ("vote", "idea", derive_votes),
    ("delivered", "idea", derive_delivered),
    ("accepted", "comment", derive_accepted),
    ("shortlisted", "submission", derive_shortlisted),
    ("awarded", "award", derive_awarded),
)


def settle_subject(kind: str, subject_type: str, subject_id: int, organisation_id: int, derive) -> None:
    expected = derive([subject_id]).get(subject_id, (organisation_id, {}))[1]
    services.settle(kind, subject_type, subject_id, organisation_id, expected)


def _idea_org(idea_id: int) -> tuple[int | None, int] | None:
    row = db.session.execute(
        select(Idea.author_id, Board.organisation_id).join(Board, Board.id == Idea.board_id).where(Idea.id == idea_id)
    ).first()
    return (row[0], row[1]) if row else None


# -- badges -----------------------------------------------------------------------------------


def accepted_answers(user_id: int, organisation_id: int | None = None) -> int:
    query = (
        select(func.count())
        .select_from(Comment)
        .join(Idea, Idea.id == Comment.idea_id)
        .join(Board, Board.id == Idea.board_id)
        .where(Comment.author_id == user_id, Comment.accepted_at.is_not(None), Comment.deleted_at.is_(None))
    )
    if organisation_id is not None:
        query = query.where(Board.organisation_id == organisation_id)
    return db.session.scalar(query) or 0


def challenge_wins(user_id: int, organisation_id: int | None = None) -> int:
    query = (
        select(func.count())
        .select_from(Award)
        .join(Challenge, Challenge.id == Award.challenge_id)
        .where(Award.solver_id == user_id, Award.state.in_((AwardState.ACCEPTED, AwardState.PAID)))
    )
    if organisation_id is not None:
        query = query.where(Challenge.organisation_id == organisation_id)
    return db.session.scalar(query) or 0


def answer_badges(user_id: int, organisation_id: int) -> None:
    count = accepted_answers(user_id, organisation_id)
    if count >= 1:
        services.award_badge(user_id, organisation_id, "first_answer")
    if count >= ANSWERS_FOR_BADGE:
        services.award_badge(user_id, organisation_id, "ten_answers")


# -- subscribers ------------------------------------------------------------------------------


@events.subscribe(events.VoteChanged)
def vote_changed(event: events.VoteChanged) -> None:
    """By difference, so a vote costs a few statements however many votes the idea has."""
    if event.author_id is None or event.author_id == event.user_id:
        return  # nobody earns from their own vote
    services.record(
        event.author_id,
        event.organisation_id,
        vote_points(event.new_value) - vote_points(event.old_value),
        "vote",
        "idea",
        event.idea_id,
    )


@events.subscribe(events.IdeaSubmitted)
def idea_submitted(event: events.IdeaSubmitted) -> None:
    found = _idea_org(event.idea_id)
    if found is not None:
        services.award_badge(found[0], found[1], "first_idea")


@events.subscribe(events.IdeaStatusChanged)
def status_changed(event: events.IdeaStatusChanged) -> None:
    if Status.DELIVERED not in (event.from_status, event.to_status) or event.from_status == event.to_status:
        return
    found = _idea_org(event.idea_id)
    if found is None:
        return
    db.session.flush()  # the new status, for the derivation to read
    settle_subject("delivered", "idea", event.idea_id, found[1], derive_delivered)
    if event.to_status == Status.DELIVERED:
        services.award_badge(found[0], found[1], "idea_delivered")


@events.subscribe(events.IdeaMerged)
def merged(event: events.IdeaMerged) -> None:
    """Votes moved to the target idea: their points follow them to its author."""
    db.session.flush()
    for idea_id in (event.source_id, event.target_id):
        found = _idea_org(idea_id)
        if found is not None:
            settle_subject("vote", "idea", idea_id, found[1], derive_votes)


@events.subscribe(events.CommentAccepted)
def comment_accepted(event: events.CommentAccepted) -> None:
    db.session.flush()
    row = db.session.execute(
        select(Comment.author_id, Board.organisation_id)
        .join(Idea, Idea.id == Comment.idea_id)
        .join(Board, Board.id == Idea.board_id)
        .where(Comment.id == event.comment_id)
    ).first()
    if row is None:
        return
    settle_subject("accepted", "comment", event.comment_id, row[1], derive_accepted)
    if row[0] is not None:
        answer_badges(row[0], row[1])


@events.subscribe(events.SubmissionShortlisted)
def shortlisted(event: events.SubmissionShortlisted) -> None:
    db.session.flush()
    row = db.session.execute(
        select(Submission.solver_id, Challenge.organisation_id)
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .where(Submission.id == event.submission_id)
    ).first()
    if row is None:
        return
    settle_subject("shortlisted", "submission", event.submission_id, row[1], derive_shortlisted)
    if event.shortlisted:
        services.award_badge(row[0], row[1], "first_shortlist")


@events.subscribe(events.AwardAccepted)
def award_accepted(event: events.AwardAccepted) -> None:
    db.session.flush()
    row = db.session.execute(
        select(Award.solver_id, Challenge.organisation_id)
        .join(Challenge, Challenge.id == Award.challenge_id)
        .where(Award.id == event.award_id)
    ).first()
    if row is None:
        return
    settle_subject("awarded", "award", event.award_id, row[1], derive_awarded)
    services.award_badge(row[0], row[1], "first_win")
