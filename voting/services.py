"""Casting, changing and retracting votes, with vote budgets.

Every counter moves by an atomic UPDATE in the vote's own transaction; the database's unique
(idea, user) index, not a select-then-insert, keeps one vote per member per idea.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import write_transaction
from app.errors_domain import Conflict, DomainError, NotAllowed, ValidationFailed
from app.extensions import db
from ideas import policy, ranking
from ideas.models import Board, Idea, Status, Visibility, Vote
from voting import statements
from voting.models import VoteBudget


class VotingClosed(Conflict):
    code = "voting_closed"


class OverBudget(Conflict):
    code = "over_budget"

    def __init__(self, budget: int):
        super().__init__(
            f"You have used all {budget} of your votes on this board. Retract a vote "
            f"to support this idea; votes on delivered or declined ideas come back."
        )
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


def _run(statement, **params):
    return db.session.connection().execute(statement, params)


def _apply(idea: Idea, up: int, down: int, now: datetime, trending_delta: float, vote_time: datetime) -> None:
    """Move the counters atomically, then the rank keys computed from the new counts. The
    UPDATE holds the row lock (or SQLite's write lock) until commit, so the read-back is safe.
    Raises VotingClosed when the idea closed or was hidden since the caller's checks."""
    row = _run(statements.BUMP_COUNTERS, idea_id=idea.id, up=up, down=down, now=now).first()
    if row is None:
        raise VotingClosed("Voting on this idea closed a moment ago.")
    upvotes, downvotes, score, created_at, trending = row
    if trending_delta > 0:
        trending = ranking.trending_add(trending, trending_delta, vote_time)
    elif trending_delta < 0:
        trending = ranking.trending_remove(trending, -trending_delta, vote_time)
    hot, confidence = ranking.hot(score, created_at), ranking.wilson_lower_bound(upvotes, downvotes)
    _run(statements.SET_RANKS, idea_id=idea.id, hot=hot, confidence=confidence, trending=trending)
    # The caller's object shows what was written, without reading the row again after commit.
    for key, value in (
        ("upvotes", upvotes),
        ("downvotes", downvotes),
        ("score", score),
        ("last_activity_at", now),
        ("hot_rank", hot),
        ("confidence_rank", confidence),
        ("trending_rank", trending),
    ):
        set_committed_value(idea, key, value)


def _spend(board: Board, user_id: int) -> int:
    """Take one vote from the member's budget and return how many are left; raises OverBudget.
    Race-safe: one conditional UPDATE, or the first INSERT of the member's budget row."""
    params = {"of_board": board.id, "of_user": user_id, "budget": board.vote_budget}
    used = _run(statements.SPEND, **params).scalar()
    if used is None:
        used = _run(statements.INSERT_BUDGET, board_id=board.id, user_id=user_id).scalar()
    if used is None:  # the row exists: full, or created by a concurrent request a moment ago
        used = _run(statements.SPEND, **params).scalar()
    if used is None:
        raise OverBudget(board.vote_budget)
    return max(board.vote_budget - used, 0)


def _refund(board: Board, user_id: int) -> int:
    """Give one vote back to the member's budget and return how many are left."""
    used = _run(statements.REFUND, of_board=board.id, of_user=user_id).scalar()
    if used is None:
        used = _run(statements.USED, of_board=board.id, of_user=user_id).scalar() or 0
    return max(board.vote_budget - used, 0)


def why_not(user: User, idea: Idea, value: int, my_vote: int) -> str | None:
    """What would refuse `user`'s vote `value` (1 or -1) on `idea` now, or None when cast_vote
    would take it; `my_vote` is the vote they hold. Reads only, for a page that offers the vote."""
    try:
        _check_can_vote(user, idea, value)
    except DomainError as error:
        return error.message
    if my_vote == 0 and remaining_votes(user, idea.board) == 0:
        return OverBudget(idea.board.vote_budget).message
    return None


def remaining_votes(user: User | None, board: Board) -> int | None:
    if board.vote_budget is None:
        return None
    if user is None or not getattr(user, "is_authenticated", False):
        return board.vote_budget
    used = (
        db.session.scalar(select(VoteBudget.used).where(VoteBudget.board_id == board.id, VoteBudget.user_id == user.id))
        or 0
    )
    return max(board.vote_budget - used, 0)


@contextmanager
def _vote_transaction():
    """The vote's write transaction, without expiring what the request loaded.

    The checks run first, on the objects the request read; whatever may have changed since
    (the idea closed or hidden) is checked again by the counter UPDATE itself. Keeping the
    objects saves reloading the idea, board and member inside SQLite's write lock, and again
    after commit. What the vote wrote is refreshed by hand: the idea's counters by _apply, and
    any loaded Vote or VoteBudget rows are expired. A refusal rolls back and expires all.
    """
    session = db.session()
    keep = session.expire_on_commit
    session.expire_on_commit = False
    try:
        with write_transaction(session):
            yield
    finally:
        session.expire_on_commit = keep
    for obj in list(session.identity_map.values()):
        if isinstance(obj, (Vote, VoteBudget)):
            session.expire(obj)


def cast_vote(
    user: User,
    idea: Idea,
    value: int,
    *,
    proxy_by: User | None = None,
    proxy_note: str = "",
    now: datetime | None = None,
) -> VoteResult:
    """Vote up (1) or down (-1). The same vote again changes nothing; the other value switches it.
    Raises NotAllowed, VotingClosed, ValidationFailed or OverBudget; nothing is written then."""
    now = now or utcnow()
    _check_can_vote(user, idea, value, proxy_by)
    board = idea.board
    remaining = None
    with _vote_transaction():
        # The unique (idea, user) index decides whether this is a new vote, even against the
        # same member's concurrent request: no select-then-insert, no savepoint.
        inserted = _run(
            statements.INSERT_VOTE,
            idea_id=idea.id,
            user_id=user.id,
            value=value,
            now=now,
            proxy_by_id=proxy_by.id if proxy_by else None,
            proxy_note=(proxy_note or None) if proxy_by else None,
        ).scalar()
        if inserted is None:  # repeating or switching a vote spends no budget
            _change_existing(idea, user, value, now)
        else:
            # The idea's row first, then the budget's: the order a status change takes them in
            # (release_budget_if_closed), so that the two never deadlock on PostgreSQL.
            _apply(idea, int(value == 1), int(value == -1), now, 1.0 if value == 1 else 0.0, now)
            if board.vote_budget is not None:
                remaining = _spend(board, user.id)
            _publish(idea, user, 0, value)
        db.session.commit()
    audit.event("vote.cast", idea_id=idea.id, user_id=user.id, value=value, proxy_by=proxy_by.id if proxy_by else None)
    if remaining is None:
        remaining = remaining_votes(user, board)
    return VoteResult(idea, value, remaining)


def _publish(idea: Idea, user: User, old_value: int, new_value: int) -> None:
    """Tell reputation and webhooks, in the vote's transaction (after _apply set the new counts)."""
    events.publish(
        events.VoteChanged(
            idea.id, user.id, old_value, new_value, idea.upvotes, idea.author_id, idea.board.organisation_id
        )
    )


def _change_existing(idea: Idea, user: User, value: int, now: datetime) -> None:
    """The member had voted already: switch the value if it differs (one atomic UPDATE)."""
    switched = _run(
        statements.SWITCH_VOTE, of_idea=idea.id, of_user=user.id, old_value=-value, new_value=value, now=now
    ).first()
    if switched is None:
        return  # the same vote again: idempotent
    created_at = switched[0]
    if value == 1:
        _apply(idea, 1, -1, now, 1.0, created_at)
    else:
        _apply(idea, -1, 1, now, -1.0, created_at)
    _publish(idea, user, -value, value)


def retract_vote(user: User, idea: Idea, now: datetime | None = None) -> VoteResult:
    """Take a vote back (a no-op without one). Raises NotAllowed or VotingClosed."""
    now = now or utcnow()
    _check_can_vote(user, idea)
    board = idea.board
    remaining = None
    with _vote_transaction():
        removed = _run(statements.DELETE_VOTE, idea_id=idea.id, user_id=user.id).first()
        if removed is not None:
            value, created_at = removed
            if value == 1:
                _apply(idea, -1, 0, now, -1.0, created_at)
            else:
                _apply(idea, 0, -1, now, 0.0, created_at)
            _publish(idea, user, value, 0)
            if board.vote_budget is not None:
                remaining = _refund(board, user.id)
        db.session.commit()
    audit.event("vote.retracted", idea_id=idea.id, user_id=user.id, had_vote=removed is not None)
    if remaining is None:
        remaining = remaining_votes(user, board)
    return VoteResult(idea, 0, remaining)


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
        select(Vote.user_id, func.count())
        .join(Idea, Idea.id == Vote.idea_id)
        .where(Idea.board_id == board.id, Idea.status.not_in(Status.CLOSED), Idea.visibility == Visibility.VISIBLE)
        .group_by(Vote.user_id)
    ).all()
    db.session.add_all(VoteBudget(board_id=board.id, user_id=user_id, used=count) for user_id, count in rows)


def record_proxy_vote(
    pm: User,
    idea: Idea,
    email: str,
    note: str = "",
    now: datetime | None = None,
    *,
    new_customer: bool = False,
    confirm_email: str = "",
) -> VoteResult:
    """A product manager records an up-vote for a customer who asked by phone or mail. The vote
    is the customer's (it counts once, spends their budget) and is marked with who recorded it.
    An address without an account is refused unless the product manager says to add a new
    customer (`new_customer`) and types the address again (`confirm_email`), so a typo makes no
    phantom customer; the account, claimed later through a password reset, is created only once
    every check has passed. Raises NotAllowed, ValidationFailed, VotingClosed or OverBudget."""
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
    if customer is None and not new_customer:
        raise ValidationFailed(
            f"Nobody has the address {address} yet: choose a person from the suggestions, or add a new "
            "customer with this address.",
            {"email": ["No customer has this address. Check it, or add a new customer with it."]},
        )
    if customer is None:
        try:
            confirmed = normalise_email(confirm_email)
        except ValidationFailed:
            confirmed = ""
        if confirmed != address:
            raise ValidationFailed(
                "Type the new customer's address a second time, the same, to add them.",
                {"confirm_email": ["The two addresses differ."]},
            )
        customer = User(
            email=address,
            display_name=address.split("@")[0][:80],
            password_hash=passwords.hash_password(secrets.token_urlsafe(24)),
        )
        db.session.add(customer)
        try:
            db.session.commit()
        except IntegrityError:  # created by a concurrent request a moment ago
            db.session.rollback()
            customer = find_user_by_email(address)
        else:
            audit.event("vote.proxy_account_created", user_id=customer.id, actor_id=pm.id)
    return cast_vote(customer, idea, 1, proxy_by=pm, proxy_note=(note or "").strip()[:500], now=now)
