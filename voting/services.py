"""Casting, changing and retracting votes, with vote budgets.

Every counter moves by an atomic UPDATE in the vote's own transaction; the database's unique
(idea, user) index, not a select-then-insert, keeps one vote per member per idea.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app import audit
from app.auth.models import User
from app.clock import utcnow
from app.db_types import write_transaction
from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from ideas import policy
from ideas.models import Board, Idea, Status, Visibility
from voting import ranking
from voting.models import Vote, VoteBudget


class VotingClosed(Conflict):
    code = "voting_closed"


class OverBudget(Conflict):
    code = "over_budget"

    def __init__(self, budget: int):
        super().__init__(f"You have used all {budget} of your votes on this board. Retract a vote "
                         f"to support this idea; votes on delivered or declined ideas come back.")
        self.remaining = 0


@dataclass
class VoteResult:
    idea: Idea
    my_vote: int  # 1, -1 or 0
    remaining: int | None  # votes left on a board with a budget


def _check_can_vote(user: User, idea: Idea, value: int | None = None, proxy_by: User | None = None) -> None:
    if proxy_by is not None:
        # A product manager records it: the customer need not have seen the board themselves.
        if not policy.can_manage(proxy_by, idea.board) or policy.is_blocked(user, idea.board):
            raise NotAllowed("You cannot record a vote for this customer.")
    elif not policy.can_participate(user, idea.board) or not policy.can_see_idea(user, idea):
        raise NotAllowed("You cannot vote on this board.")
    if idea.visibility != Visibility.VISIBLE:
        raise VotingClosed("Voting opens once a moderator has approved this idea.")
    if not idea.voting_open:
        raise VotingClosed(f"Voting is closed: this idea is {idea.status_label.lower()}.")
    if value is not None and value not in (1, -1):
        raise ValidationFailed("A vote is 1 (up) or -1 (down).", {"value": ["Use 1 or -1."]})
    if value == -1 and not idea.board.allow_downvotes:
        raise ValidationFailed("This board does not take down-votes.", {"value": ["Down-votes are off."]})


def _apply(idea_id: int, up: int, down: int, now: datetime, trending_delta: float, vote_time: datetime) -> None:
    """Move the counters atomically, then the rank keys computed from the new counts. The
    UPDATE holds the row lock (or SQLite's write lock) until commit, so the read-back is safe."""
    row = db.session.execute(
        update(Idea).where(Idea.id == idea_id)
        .values(upvotes=Idea.upvotes + up, downvotes=Idea.downvotes + down,
                score=Idea.score + up - down, last_activity_at=now)
        .returning(Idea.upvotes, Idea.downvotes, Idea.score, Idea.created_at, Idea.trending_rank)
    ).one()
    upvotes, downvotes, score, created_at, trending = row
    if trending_delta > 0:
        trending = ranking.trending_add(trending, trending_delta, vote_time)
    elif trending_delta < 0:
        trending = ranking.trending_remove(trending, -trending_delta, vote_time)
    db.session.execute(update(Idea).where(Idea.id == idea_id).values(
        hot_rank=ranking.hot(score, created_at),
        confidence_rank=ranking.wilson_lower_bound(upvotes, downvotes),
        trending_rank=trending))


def _spend(board: Board, user_id: int) -> None:
    """Take one vote from the member's budget; raises OverBudget. Race-safe: one UPDATE."""
    spent = db.session.execute(update(VoteBudget).where(
        VoteBudget.board_id == board.id, VoteBudget.user_id == user_id,
        VoteBudget.used < board.vote_budget).values(used=VoteBudget.used + 1)).rowcount
    if spent:
        return
    exists = db.session.scalar(select(VoteBudget.id).where(
        VoteBudget.board_id == board.id, VoteBudget.user_id == user_id))
    if exists is not None:
        raise OverBudget(board.vote_budget)
    try:
        with db.session.begin_nested():
            db.session.add(VoteBudget(board_id=board.id, user_id=user_id, used=1))
    except IntegrityError:  # created concurrently: spend through the conditional update
        _spend(board, user_id)


def _refund(board: Board, user_id: int) -> None:
    db.session.execute(update(VoteBudget).where(
        VoteBudget.board_id == board.id, VoteBudget.user_id == user_id, VoteBudget.used > 0
    ).values(used=VoteBudget.used - 1))


def remaining_votes(user: User | None, board: Board) -> int | None:
    if board.vote_budget is None:
        return None
    if user is None or not getattr(user, "is_authenticated", False):
        return board.vote_budget
    used = db.session.scalar(select(VoteBudget.used).where(
        VoteBudget.board_id == board.id, VoteBudget.user_id == user.id)) or 0
    return max(board.vote_budget - used, 0)


def my_vote(user: User | None, idea: Idea) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(select(Vote.value).where(Vote.idea_id == idea.id, Vote.user_id == user.id)) or 0


def cast_vote(user: User, idea: Idea, value: int, *, proxy_by: User | None = None, proxy_note: str = "",
              now: datetime | None = None) -> VoteResult:
    """Vote up (1) or down (-1). The same vote again changes nothing; the other value switches it.
    Raises NotAllowed, VotingClosed, ValidationFailed or OverBudget; nothing is written then."""
    now = now or utcnow()
    idea_id = idea.id
    with write_transaction(db.session):
        idea = db.session.get(Idea, idea_id)
        _check_can_vote(user, idea, value, proxy_by)
        board = idea.board
        already = db.session.scalar(select(Vote.id).where(Vote.idea_id == idea.id, Vote.user_id == user.id))
        if already is not None:  # repeating or switching a vote spends no budget
            _change_existing(idea, user, value, now)
        else:
            try:
                with db.session.begin_nested():
                    if board.vote_budget is not None:
                        _spend(board, user.id)
                    db.session.add(Vote(idea_id=idea.id, user_id=user.id, value=value, created_at=now,
                                        updated_at=now, proxy_by_id=proxy_by.id if proxy_by else None,
                                        proxy_note=(proxy_note or None) if proxy_by else None))
            except IntegrityError:  # the same member's concurrent request inserted it first
                _change_existing(idea, user, value, now)
            else:
                _apply(idea.id, int(value == 1), int(value == -1), now, 1.0 if value == 1 else 0.0, now)
        db.session.commit()
    audit.event("vote.cast", idea_id=idea.id, user_id=user.id, value=value,
                proxy_by=proxy_by.id if proxy_by else None)
    return VoteResult(db.session.get(Idea, idea.id), value, remaining_votes(user, board))


def _change_existing(idea: Idea, user: User, value: int, now: datetime) -> None:
    """The member had voted already: switch the value if it differs (one atomic UPDATE)."""
    switched = db.session.execute(update(Vote).where(
        Vote.idea_id == idea.id, Vote.user_id == user.id, Vote.value == -value
    ).values(value=value, updated_at=now).returning(Vote.created_at)).first()
    if switched is None:
        return  # the same vote again: idempotent
    created_at = switched[0]
    if value == 1:
        _apply(idea.id, 1, -1, now, 1.0, created_at)
    else:
        _apply(idea.id, -1, 1, now, -1.0, created_at)


def retract_vote(user: User, idea: Idea, now: datetime | None = None) -> VoteResult:
    """Take a vote back (a no-op without one). Raises NotAllowed or VotingClosed."""
    now = now or utcnow()
    idea_id = idea.id
    with write_transaction(db.session):
        idea = db.session.get(Idea, idea_id)
        _check_can_vote(user, idea)
        removed = db.session.execute(delete(Vote).where(Vote.idea_id == idea.id, Vote.user_id == user.id)
                                     .returning(Vote.value, Vote.created_at)).first()
        if removed is not None:
            value, created_at = removed
            if value == 1:
                _apply(idea.id, -1, 0, now, -1.0, created_at)
            else:
                _apply(idea.id, 0, -1, now, 0.0, created_at)
            if idea.board.vote_budget is not None:
                _refund(idea.board, user.id)
        db.session.commit()
    audit.event("vote.retracted", idea_id=idea.id, user_id=user.id, had_vote=removed is not None)
    return VoteResult(db.session.get(Idea, idea.id), 0, remaining_votes(user, idea.board))


def release_budget_if_closed(idea: Idea, previous_status: str) -> None:
    """After a status change: votes on a newly closed idea go back to their voters' budgets;
    reopening takes them again (even past the budget: nobody loses a vote they cast)."""
    board = idea.board
    if board.vote_budget is None:
        return
    was_closed, is_closed = previous_status in Status.CLOSED, idea.status in Status.CLOSED
    if was_closed == is_closed:
        return
    voters = select(Vote.user_id).where(Vote.idea_id == idea.id)
    step = -1 if is_closed else 1
    query = update(VoteBudget).where(VoteBudget.board_id == board.id, VoteBudget.user_id.in_(voters))
    if step < 0:
        query = query.where(VoteBudget.used > 0)
    db.session.execute(query.values(used=VoteBudget.used + step))


def recount_budgets(board: Board) -> None:
    """Rebuild every member's budget use on a board from the votes on its open, visible ideas
    (when a budget is switched on, an idea is hidden or restored, a merge, and by
    `flask votes verify --fix`)."""
    db.session.execute(delete(VoteBudget).where(VoteBudget.board_id == board.id))
    rows = db.session.execute(
        select(Vote.user_id, func.count()).join(Idea, Idea.id == Vote.idea_id)
        .where(Idea.board_id == board.id, Idea.status.not_in(Status.CLOSED), Idea.visibility == Visibility.VISIBLE)
        .group_by(Vote.user_id)).all()
    db.session.add_all(VoteBudget(board_id=board.id, user_id=user_id, used=count) for user_id, count in rows)


def record_proxy_vote(pm: User, idea: Idea, email: str, note: str = "", now: datetime | None = None) -> VoteResult:
    """A product manager records an up-vote for a customer who asked by phone or mail. The vote
    is the customer's (it counts once, spends their budget) and is marked with who recorded it.
    A customer without an account gets one they can claim through a password reset; it is
    created only once every check has passed. Raises NotAllowed, ValidationFailed,
    VotingClosed or OverBudget."""
    import secrets

    from app.auth import passwords
    from app.auth.services import find_user_by_email, normalise_email

    if not policy.can_manage(pm, idea.board):
        raise NotAllowed("Only the organisation's product managers can record votes for customers.")
    address = normalise_email(email)
    if address == pm.email:
        raise ValidationFailed("Record your own vote with the vote button.", {"email": ["That is you."]})
    if idea.visibility != Visibility.VISIBLE or not idea.voting_open:
        raise VotingClosed(f"Voting is closed: this idea is {idea.status_label.lower()}.")
    customer = find_user_by_email(address)
    if customer is None:
        customer = User(email=address, display_name=address.split("@")[0][:80],
                        password_hash=passwords.hash_password(secrets.token_urlsafe(24)))
        db.session.add(customer)
        try:
            db.session.commit()
        except IntegrityError:  # created by a concurrent request a moment ago
            db.session.rollback()
            customer = find_user_by_email(address)
        else:
            audit.event("vote.proxy_account_created", user_id=customer.id, actor_id=pm.id)
    return cast_vote(customer, idea, 1, proxy_by=pm, proxy_note=(note or "").strip()[:500], now=now)


def proxy_votes(idea: Idea) -> list[Vote]:
    """Votes product managers recorded for customers, newest first."""
    from sqlalchemy.orm import selectinload

    return list(db.session.scalars(select(Vote).where(Vote.idea_id == idea.id, Vote.proxy_by_id.is_not(None))
                                   .options(selectinload(Vote.user)).order_by(Vote.created_at.desc())))
