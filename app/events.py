"""Domain events. Services publish what happened; subscribers react in the same transaction, so
a rolled-back action notifies no one. A lower layer publishes what a higher one must act on (a
status change releases vote budgets), so neither imports the other.

`@subscribe(EventType)` marks a handler; each package's `init_app` connects the handlers of its
modules to the app (`connect(app, module, ...)`), and `publish` calls the current app's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from inspect import isfunction
from types import ModuleType

from flask import Flask, current_app

_MARK = "_subscribes_to"


def subscribe(event_type: type) -> Callable:
    def mark(handler: Callable) -> Callable:
        handler.__dict__.setdefault(_MARK, []).append(event_type)
        return handler

    return mark


def init_app(app: Flask) -> None:
    app.extensions.setdefault("events", defaultdict(list))


def connect(app: Flask, *modules: ModuleType) -> None:
    """Register the marked handlers defined in `modules` with `app` (once each)."""
    registry = app.extensions.setdefault("events", defaultdict(list))
    for module in modules:
        for handler in vars(module).values():
            if not isfunction(handler) or handler.__module__ != module.__name__:
                continue
            for event_type in getattr(handler, _MARK, ()):
                if handler not in registry[event_type]:
                    registry[event_type].append(handler)


def publish(event) -> None:
    for handler in current_app.extensions["events"].get(type(event), ()):
        handler(event)


@dataclass(frozen=True)
class IdeaStatusChanged:
    idea_id: int
    from_status: str
    to_status: str
    message: str
    actor_id: int | None


@dataclass(frozen=True)
class IdeaMerged:
    source_id: int
    target_id: int
    actor_id: int | None


@dataclass(frozen=True)
class CommentPosted:
    comment_id: int
    idea_id: int
    parent_id: int | None
    actor_id: int | None


@dataclass(frozen=True)
class CommentAccepted:
    comment_id: int
    actor_id: int | None


@dataclass(frozen=True)
class IdeaSubmitted:
    idea_id: int
    actor_id: int | None


@dataclass(frozen=True)
class ChallengeOpened:
    challenge_id: int


@dataclass(frozen=True)
class ChallengeDeadlineExtended:
    challenge_id: int
    old_deadline: object
    new_deadline: object
    actor_id: int | None


@dataclass(frozen=True)
class ChallengeCancelled:
    challenge_id: int
    reason: str
    actor_id: int | None


@dataclass(frozen=True)
class ClarificationPosted:
    question_id: int
    challenge_id: int
    actor_id: int | None


@dataclass(frozen=True)
class QuestionAnswered:
    question_id: int
    challenge_id: int
    actor_id: int | None


@dataclass(frozen=True)
class SubmissionReceived:
    submission_id: int
    challenge_id: int
    version: int
    actor_id: int | None


@dataclass(frozen=True)
class SubmissionScored:
    submission_id: int
    actor_id: int | None


@dataclass(frozen=True)
class AwardOffered:
    award_id: int
    challenge_id: int
    actor_id: int | None


@dataclass(frozen=True)
class AwardAccepted:
    award_id: int
    challenge_id: int
    actor_id: int | None


@dataclass(frozen=True)
class VoteChanged:
    """A member's vote on an idea moved from `old_value` to `new_value` (-1, 0 or 1); `upvotes`
    is the idea's up-vote count after the change. The idea's author and organisation come
    along so that subscribers need not look them up on every vote."""

    idea_id: int
    user_id: int
    old_value: int
    new_value: int
    upvotes: int
    author_id: int | None
    organisation_id: int


@dataclass(frozen=True)
class SubmissionShortlisted:
    """A challenge's judges put a submission on (or took it off) the shortlist."""

    submission_id: int
    shortlisted: bool
    actor_id: int | None


@dataclass(frozen=True)
class AwardReleased:
    """A lapsed or declined award's amount is refunded instead of being passed on."""

    award_id: int
    challenge_id: int
    actor_id: int | None


@dataclass(frozen=True)
class IdeaMergeUndone:
    source_id: int
    target_id: int
    actor_id: int | None


@dataclass(frozen=True)
class IdeaVisibilityChanged:
    """A moderator hid an idea or restored it."""

    idea_id: int
    board_id: int
    hidden: bool


@dataclass(frozen=True)
class BoardBudgetChanged:
    """A board's vote budget was switched on, changed or switched off."""

    board_id: int
    old_budget: int | None
    new_budget: int | None


@dataclass(frozen=True)
class PayoutStateChanged:
    """A payout was paid, failed or was reversed: its new state and what the winner is told."""

    payout_id: int
    user_id: int
    challenge_id: int
    amount: int
    currency: str
    state: str
    message: str


@dataclass(frozen=True)
class PasswordReset:
    """A member set a new password through a reset link (after a lost or stolen one): whatever
    else speaks for them (sessions, API tokens) must stop."""

    user_id: int


@dataclass(frozen=True)
class ApiTokensDisowned:
    """A member changing their password asked that their API tokens stop working too."""

    user_id: int


# -- peer support (ideas.questions) -------------------------------------------------------------


@dataclass(frozen=True)
class QuestionAsked:
    question_id: int
    board_id: int
    actor_id: int | None
    visible: bool  # False while the spam filter holds it for a moderator


@dataclass(frozen=True)
class AnswerPosted:
    answer_id: int
    question_id: int
    actor_id: int | None
    official: bool


@dataclass(frozen=True)
class KudosGiven:
    """`kudos_id` is the row given (kept by KudosRevoked), `receiver_id` the answer's author."""

    kudos_id: int
    answer_id: int
    giver_id: int
    receiver_id: int | None
    organisation_id: int


@dataclass(frozen=True)
class KudosRevoked:
    kudos_id: int
    answer_id: int
    giver_id: int
    receiver_id: int | None
    organisation_id: int


@dataclass(frozen=True)
class SolutionAccepted:
    """A question without a solution got one."""

    question_id: int
    answer_id: int
    actor_id: int | None


@dataclass(frozen=True)
class SolutionChanged:
    """The accepted solution moved to another answer, or was taken back (`new_answer_id` None)."""

    question_id: int
    old_answer_id: int
    new_answer_id: int | None
    actor_id: int | None
