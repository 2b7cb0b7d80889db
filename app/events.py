"""Domain events. Services publish what happened; subscribers (notifications now, mail and
webhooks later) react in the same transaction, so a rolled-back action notifies no one."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

_subscribers: dict[type, list[Callable]] = defaultdict(list)


def subscribe(event_type: type) -> Callable:
    def register(handler: Callable) -> Callable:
        if handler not in _subscribers[event_type]:
            _subscribers[event_type].append(handler)
        return handler

    return register


def publish(event) -> None:
    for handler in _subscribers[type(event)]:
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
