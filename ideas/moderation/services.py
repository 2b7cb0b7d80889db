"""Reports (flags), the moderation queue, hiding and restoring content, blocking members from a board.
Every action a moderator takes is written to the moderation log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed, NotFound, RateLimited, ValidationFailed, wait_seconds
from app.extensions import db
from app.reputation import services as reputation
from app.reputation.points import POINTS
from ideas import counters, policy
from ideas.models import Board, BoardBlock, Comment, Idea, Visibility
from ideas.moderation import allowance, privileges, spam
from ideas.moderation.models import REASONS, Flag, HideVote, ModerationLog

SYSTEM_REASON = "held"  # a flag raised by the spam filter, not by a member


def moderation_state(author: User, text: str, now: datetime) -> tuple[str, str | None]:
    """VISIBLE, or PENDING with the reason, for new content by `author`."""
    if not spam.is_new_account(author.created_at, now):
        return Visibility.VISIBLE, None
    recent = list(
        db.session.scalars(
            select(Idea.title + " " + Idea.body).where(Idea.author_id == author.id).order_by(Idea.id.desc()).limit(10)
        )
    )
    recent += list(
        db.session.scalars(
            select(Comment.body).where(Comment.author_id == author.id).order_by(Comment.id.desc()).limit(10)
        )
    )
    reason = spam.spam_reason(text, recent)
    return (Visibility.PENDING, reason) if reason else (Visibility.VISIBLE, None)


def _log(board_id: int, actor: User | None, action: str, target_type: str, target_id: int, note: str = "") -> None:
    db.session.add(
        ModerationLog(
            board_id=board_id,
            actor_id=actor.id if actor else None,
            action=action,
            target_type=target_type,
            target_id=target_id,
            note=note[:2000],
        )
    )


def hold_for_review(board: Board, target_type: str, target_id: int, reason: str | None) -> None:
    """Called by the services that create content the spam filter held back."""
    db.session.add(
        Flag(
            board_id=board.id,
            target_type=target_type,
            target_id=target_id,
            reporter_id=None,
            reason=SYSTEM_REASON,
            note=f"Held automatically: {reason}",
        )
    )
    _log(board.id, None, "held", target_type, target_id, reason or "")


def load_target(target_type: str, target_id: int) -> Idea | Comment:
    model = {"idea": Idea, "comment": Comment}.get(target_type)
    target = db.session.get(model, target_id) if model else None
    if target is None:
        raise NotFound("That content no longer exists.")
    return target


def _board_of(target: Idea | Comment) -> Board:
    return target.board if isinstance(target, Idea) else target.idea.board


HIDE_VOTES_NEEDED = 3  # trusted members' votes that hide content; COMMUNITY_HIDE_VOTES overrides it
COMMUNITY_REASON = "community"  # the flag that puts community-hidden content in the queue


@writes
def flag(
    reporter: User,
    target_type: str,
    target_id: int,
    reason: str,
    note: str = "",
    hide_votes_needed: int = HIDE_VOTES_NEEDED,
) -> Flag:
    """Report content to the moderators: any member with a confirmed address who can see it,
    once, and not their own. The report weighs by the reporter's level; enough weight (with the
    votes to hide) hides it until a moderator looks. Raises NotFound, NotAllowed (address not
    confirmed), ValidationFailed (own content, no reason), Conflict (reported already) or
    RateLimited (today's reports used up: nothing is written)."""
    target = load_target(target_type, target_id)
    board = _board_of(target)
    idea = target if isinstance(target, Idea) else target.idea
    if not policy.can_participate(reporter, board) or not policy.can_see_idea(reporter, idea):
        raise NotFound("That content no longer exists.")
    if not reporter.email_verified:
        raise NotAllowed("Confirm your email address to report posts.")
    if target.author_id == reporter.id:
        raise ValidationFailed("You cannot report what you wrote.")
    if reason not in REASONS:
        raise ValidationFailed("Choose a reason.", {"reason": ["Choose one of the reasons."]})
    if reported_by(reporter, target_type, [target_id]):
        raise Conflict(ALREADY_REPORTED)
    standing = privileges.reporter(reporter, board)
    if not allowance.take(reporter.id, board.organisation_id, standing.per_day):
        wait = allowance.resets_in(reporter.id, board.organisation_id)
        raise RateLimited(standing.limit_message(wait), retry_after=wait_seconds(wait))
    item = Flag(
        board_id=board.id,
        target_type=target_type,
        target_id=target_id,
        reporter_id=reporter.id,
        reason=reason,
        note=(note or "").strip()[:500],
        reporter_level=standing.level.number,
        weight=standing.weight,
    )
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:
        db.session.rollback()
        raise Conflict(ALREADY_REPORTED) from None
    hidden = hide_when_weighty(reporter, target_type, target, board, hide_votes_needed)
    db.session.commit()
    audit.event("moderation.flagged", target_type=target_type, target_id=target_id, user_id=reporter.id, hidden=hidden)
    return item


ALREADY_REPORTED = "You reported this already; the moderators will take a look."


def reported_by(user: User | None, target_type: str, target_ids) -> dict[int, str]:
    """The reason of each of these the member reported (open or decided), by target id."""
    ids = [i for i in target_ids if i]
    if not ids or user is None or not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.execute(
        select(Flag.target_id, Flag.reason).where(
            Flag.reporter_id == user.id, Flag.target_type == target_type, Flag.target_id.in_(ids)
        )
    )
    return dict(rows.all())  # a Result has keys(), so dict() would take it for a mapping


def community_weight(target_type: str, target_id: int) -> tuple[int, int, int]:
    """(weight, reports, votes to hide) of the open reports and votes on the content. Each member
    counts once, at their heaviest: a trusted member who reports and votes to hide counts once."""
    weights: dict[int, int] = {}
    reports = db.session.execute(
        select(Flag.reporter_id, Flag.weight).where(
            Flag.target_type == target_type,
            Flag.target_id == target_id,
            Flag.resolved_at.is_(None),
            Flag.reporter_id.is_not(None),
        )
    ).tuples()
    for user_id, weight in reports:
        weights[user_id] = max(weights.get(user_id, 0), weight)
    report_count = len(weights)
    voters = list(
        db.session.scalars(
            select(HideVote.user_id).where(HideVote.target_type == target_type, HideVote.target_id == target_id)
        )
    )
    for user_id in voters:
        weights[user_id] = max(weights.get(user_id, 0), privileges.HIDE_VOTE_WEIGHT)
    return sum(weights.values()), report_count, len(voters)


def hide_when_weighty(actor: User, target_type: str, target: Idea | Comment, board: Board, votes_needed: int) -> bool:
    """Hide visible content until a moderator looks once the community's reports and votes to
    hide weigh as much as `votes_needed` trusted members' votes; True if this hid it."""
    if target.visibility != Visibility.VISIBLE:
        return False
    weight, reports, votes = community_weight(target_type, target.id)
    needed = max(1, votes_needed) * privileges.HIDE_VOTE_WEIGHT
    if weight < needed:
        return False
    _set_visibility(target, Visibility.PENDING)
    said = [f"{votes} vote{'s' if votes != 1 else ''} to hide"] if votes else []
    said += [f"{reports} report{'s' if reports != 1 else ''}"] if reports else []
    note = f"{' and '.join(said)} (weight {weight} of {needed})"
    db.session.add(
        Flag(
            board_id=board.id,
            target_type=target_type,
            target_id=target.id,
            reporter_id=None,
            reason=COMMUNITY_REASON,
            note=note,
        )
    )
    _log(board.id, actor, "community_hide", target_type, target.id, note)
    return True


@dataclass
class QueueItem:
    target_type: str
    target: Idea | Comment
    flags: list[Flag]


def queue(board: Board) -> list[QueueItem]:
    """Open flags grouped by the content they point at, oldest first."""
    grouped: dict[tuple[str, int], list[Flag]] = {}
    for item in db.session.scalars(
        select(Flag).where(Flag.board_id == board.id, Flag.resolved_at.is_(None)).order_by(Flag.created_at, Flag.id)
    ):
        grouped.setdefault((item.target_type, item.target_id), []).append(item)
    items = []
    for (target_type, target_id), flags in grouped.items():
        model = {"idea": Idea, "comment": Comment}.get(target_type)
        if model is None:  # questions and answers held by the spam filter get their own queue later
            continue
        target = db.session.get(model, target_id)
        if target is not None:
            items.append(QueueItem(target_type, target, flags))
    return items


def _require_moderator(actor: User, board: Board) -> None:
    if not policy.can_moderate(actor, board):
        raise NotAllowed("Only moderators can do that.")


def _set_visibility(target: Idea | Comment, visibility: str) -> None:
    """Keep the counters of what lists show in step with what is visible."""
    was_visible = target.visibility == Visibility.VISIBLE
    now_visible = visibility == Visibility.VISIBLE
    target.visibility = visibility
    if was_visible == now_visible:
        return
    step = 1 if now_visible else -1
    if isinstance(target, Idea):
        db.session.execute(update(Board).where(Board.id == target.board_id).values(idea_count=Board.idea_count + step))
        # Votes on a hidden idea go back to their budgets, and return when it is restored.
        events.publish(events.IdeaVisibilityChanged(target.id, target.board_id, hidden=not now_visible))
    elif not target.is_deleted:
        db.session.flush()
        counters.recompute_idea(target.idea_id)


def _resolve_flags(target_type: str, target_id: int, actor: User, resolution: str, now: datetime) -> None:
    db.session.execute(
        update(Flag)
        .where(Flag.target_type == target_type, Flag.target_id == target_id, Flag.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=actor.id, resolution=resolution)
    )


def _act(
    actor: User,
    target_type: str,
    target_id: int,
    action: str,
    resolution: str,
    visibility: str | None,
    note: str,
    now: datetime | None,
    reputation_change=None,
) -> None:
    """One moderation action: set the visibility (if any), move reputation (if any), close the
    flags, log, commit."""
    target = load_target(target_type, target_id)
    board = _board_of(target)
    _require_moderator(actor, board)
    if visibility is not None:
        _set_visibility(target, visibility)
    if reputation_change is not None:
        reputation_change(target, board)
    if resolution != "hidden":
        forget_hide_votes(target_type, target_id)
    _resolve_flags(target_type, target_id, actor, resolution, now or utcnow())
    _log(board.id, actor, action, target_type, target_id, note)
    db.session.commit()
    audit.event(f"moderation.{action}", target_type=target_type, target_id=target_id, user_id=actor.id)


@writes
def hide(actor: User, target_type: str, target_id: int, note: str = "", now: datetime | None = None) -> None:
    _act(actor, target_type, target_id, "hide", "hidden", Visibility.HIDDEN, note, now)


@writes
def remove_as_spam(actor: User, target_type: str, target_id: int, now: datetime | None = None) -> None:
    """Hide it and cost its author reputation (given back if it is restored)."""

    def penalise(target, board):
        reputation.settle(
            "spam_removed",
            target_type,
            target_id,
            board.organisation_id,
            {target.author_id: POINTS["spam_removed"]} if target.author_id else {},
        )

    _act(actor, target_type, target_id, "spam", "hidden", Visibility.HIDDEN, "spam", now, penalise)


def _refund_spam(target_type: str, target_id: int):
    def refund(_target, board):
        reputation.settle("spam_removed", target_type, target_id, board.organisation_id, {})

    return refund


@writes
def restore(actor: User, target_type: str, target_id: int, note: str = "", now: datetime | None = None) -> None:
    """Make hidden or held content public again (approving what the spam filter held)."""
    _act(
        actor,
        target_type,
        target_id,
        "restore",
        "restored",
        Visibility.VISIBLE,
        note,
        now,
        _refund_spam(target_type, target_id),
    )


@writes
def dismiss(actor: User, target_type: str, target_id: int, now: datetime | None = None) -> None:
    """The flags were wrong: close them and leave the content as it is (held content goes out).
    Each member whose flag is rejected loses reputation, so flags are not thrown around."""
    target = load_target(target_type, target_id)
    visibility = Visibility.VISIBLE if target.visibility == Visibility.PENDING else None

    def penalise_flaggers(_target, board):
        for item in db.session.scalars(
            select(Flag).where(
                Flag.target_type == target_type,
                Flag.target_id == target_id,
                Flag.resolved_at.is_(None),
                Flag.reporter_id.is_not(None),
            )
        ):
            reputation.record(
                item.reporter_id,
                board.organisation_id,
                POINTS["flag_rejected"],
                "flag_rejected",
                "flag",
                item.id,
                now=now,
            )

    _act(actor, target_type, target_id, "dismiss", "dismissed", visibility, "", now, penalise_flaggers)


@writes
def block(actor: User, board: Board, user: User, reason: str = "") -> None:
    _require_moderator(actor, board)
    if policy.can_manage(user, board):
        raise NotAllowed("Product managers of the organisation cannot be blocked from its boards.")
    try:
        with db.session.begin_nested():
            db.session.add(
                BoardBlock(board_id=board.id, user_id=user.id, reason=(reason or "")[:500], blocked_by_id=actor.id)
            )
    except IntegrityError:
        db.session.commit()  # ends the write transaction: blocked already
        return
    _log(board.id, actor, "block", "user", user.id, reason)
    db.session.commit()
    audit.event("moderation.block", board_id=board.id, user_id=user.id, actor_id=actor.id)


@writes
def unblock(actor: User, board: Board, user_id: int) -> None:
    _require_moderator(actor, board)
    blocked = db.session.scalar(
        select(BoardBlock).where(BoardBlock.board_id == board.id, BoardBlock.user_id == user_id)
    )
    if blocked is None:
        raise NotFound("That member is not blocked.")
    db.session.delete(blocked)
    _log(board.id, actor, "unblock", "user", user_id)
    db.session.commit()


def blocked_members(board: Board) -> list[BoardBlock]:
    return list(
        db.session.scalars(
            select(BoardBlock).where(BoardBlock.board_id == board.id).order_by(BoardBlock.created_at.desc())
        )
    )


def log_entries(board: Board, limit: int = 100) -> list[ModerationLog]:
    return list(
        db.session.scalars(
            select(ModerationLog)
            .where(ModerationLog.board_id == board.id)
            .order_by(ModerationLog.id.desc())
            .limit(limit)
        )
    )


# The community moderation services share these.
set_visibility = _set_visibility
log = _log


def forget_hide_votes(target_type: str, target_id: int) -> None:
    """A moderator decided: earlier votes must not hide it again with one more."""
    db.session.execute(delete(HideVote).where(HideVote.target_type == target_type, HideVote.target_id == target_id))


def forget_flags(target_type: str, target_ids: list[int]) -> None:
    """Content that is deleted takes its flags with it (the queue could not act on them)."""
    if target_ids:
        db.session.execute(delete(Flag).where(Flag.target_type == target_type, Flag.target_id.in_(target_ids)))
