"""Which domain events become webhook deliveries, and what their payloads carry: ids, titles
and links only, never confidential content (a submission's text, a judge's notes)."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import events
from app.clock import utcnow
from app.extensions import db
from app.urls import external_url
from app.webhooks.models import VoteThresholdCrossing
from app.webhooks.services import broadcast

# Up-vote counts announced by `idea.vote_threshold`, each at most once per idea.
VOTE_THRESHOLDS = (10, 50, 100, 500)


def _idea_data(idea) -> dict:
    board = idea.board
    return {
        "idea": {
            "id": idea.id,
            "title": idea.title,
            "status": idea.status,
            "upvotes": idea.upvotes,
            "url": external_url("ideas.show", idea_id=idea.id),
        },
        "board": _board_data(board),
    }


def _challenge_data(challenge) -> dict:
    return {
        "challenge": {
            "id": challenge.id,
            "title": challenge.title,
            "url": external_url("challenges.show", challenge_id=challenge.id),
        }
    }


def _announced_idea(idea_id: int):
    """The idea if it may be announced: ideas held for moderation or hidden are not."""
    from ideas.models import Idea, Visibility

    idea = db.session.get(Idea, idea_id)
    return idea if idea is not None and idea.visibility == Visibility.VISIBLE else None


@events.subscribe(events.IdeaSubmitted)
def idea_created(event: events.IdeaSubmitted) -> None:
    idea = _announced_idea(event.idea_id)
    if idea is not None:
        broadcast(idea.board.organisation_id, "idea.created", _idea_data(idea))


def _board_data(board) -> dict:
    return {
        "id": board.id,
        "name": board.name,
        "url": external_url("ideas.board", org_slug=board.organisation.slug, board_slug=board.slug),
    }


def _announced_question(question_id: int):
    """The question if it may be announced: as for ideas, not one held for moderation, hidden
    or deleted."""
    from ideas.models import Visibility
    from ideas.questions.models import Question

    question = db.session.get(Question, question_id)
    if question is None or question.visibility != Visibility.VISIBLE or question.is_deleted:
        return None
    return question


def _question_data(question) -> dict:
    return {
        "question": {
            "id": question.id,
            "title": question.title,
            "answer_count": question.answer_count,
            "solved": question.is_solved,
            "url": external_url("questions.show", question_id=question.id, slug=question.slug),
        },
        "board": _board_data(question.board),
    }


@events.subscribe(events.QuestionAsked)
def question_created(event: events.QuestionAsked) -> None:
    question = _announced_question(event.question_id) if event.visible else None
    if question is not None:
        broadcast(question.board.organisation_id, "question.created", _question_data(question))


@events.subscribe(events.SolutionAccepted)
def question_solved(event: events.SolutionAccepted) -> None:
    question = _announced_question(event.question_id)
    if question is None or question.solution_answer_id != event.answer_id:
        return
    solution = question.solution
    data = _question_data(question)
    data["solution"] = {
        "id": solution.id,
        "is_official": solution.is_official,
        "url": external_url("questions.show", question_id=question.id, slug=question.slug) + f"#answer-{solution.id}",
    }
    broadcast(question.board.organisation_id, "question.solved", data)


@events.subscribe(events.IdeaStatusChanged)
def idea_status_changed(event: events.IdeaStatusChanged) -> None:
    if event.from_status == event.to_status:  # an official response alone
        return
    idea = _announced_idea(event.idea_id)
    if idea is not None:
        broadcast(
            idea.board.organisation_id,
            "idea.status_changed",
            {**_idea_data(idea), "from_status": event.from_status, "to_status": event.to_status},
        )


def crossed(event: events.VoteChanged) -> list[int]:
    """Thresholds the up-vote count passed upwards with this vote (no query: votes are hot)."""
    before = event.upvotes - (event.new_value == 1) + (event.old_value == 1)
    return [limit for limit in VOTE_THRESHOLDS if before < limit <= event.upvotes]


@events.subscribe(events.VoteChanged)
def vote_changed(event: events.VoteChanged) -> None:
    for threshold in crossed(event):
        # The primary key (idea, threshold) makes the first crossing the only one announced,
        # even when votes are retracted and cast again, or two arrive at once.
        if not _record_crossing(event.idea_id, threshold):
            continue
        idea = _announced_idea(event.idea_id)
        if idea is not None:
            broadcast(idea.board.organisation_id, "idea.vote_threshold", {**_idea_data(idea), "threshold": threshold})


def _record_crossing(idea_id: int, threshold: int) -> bool:
    """True for the one insert that records the crossing (SQLite and PostgreSQL both speak ON CONFLICT)."""
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = VoteThresholdCrossing.__table__
    statement = (
        insert(table)
        .values(idea_id=idea_id, threshold=threshold, crossed_at=utcnow())
        .on_conflict_do_nothing()
        .returning(table.c.idea_id)
    )
    return db.session.execute(statement).first() is not None  # a row back: this insert made it


@events.subscribe(events.SubmissionReceived)
def submission_received(event: events.SubmissionReceived) -> None:
    from challenges.models import Challenge

    challenge = db.session.get(Challenge, event.challenge_id)
    broadcast(
        challenge.organisation_id,
        "challenge.submission_received",
        {
            **_challenge_data(challenge),
            "submission": {
                "id": event.submission_id,
                "version": event.version,
                "url": external_url("challenges.show_submission", submission_id=event.submission_id),
            },
        },
    )


@events.subscribe(events.AwardOffered)
def award_made(event: events.AwardOffered) -> None:
    from challenges.models import Award

    award = db.session.get(Award, event.award_id)
    broadcast(
        award.challenge.organisation_id,
        "challenge.award_made",
        {
            **_challenge_data(award.challenge),
            "award": {
                "id": award.id,
                "place": award.place,
                "amount": award.amount,
                "currency": award.currency,
                "state": award.state,
                "submission_id": award.submission_id,
            },
        },
    )
