"""What a member's reputation in a community lets them do: the one place it is checked.

Reporting is open to every member with a confirmed address; what a report weighs and how many a
member may send a day grow with their level. The actions of the community's moderation need a
level. Product managers (the board's moderators) hold every privilege whatever their points."""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.models import User
from app.errors_domain import NotAllowed, wait_phrase
from app.reputation import levels, services

MARK_DUPLICATE = "mark_duplicate"
VOTE_TO_HIDE = "vote_to_hide"
EDIT_TAGS = "edit_tags"

REQUIRED_LEVEL = {MARK_DUPLICATE: 2, VOTE_TO_HIDE: 3, EDIT_TAGS: 3}
LABELS = {
    MARK_DUPLICATE: "Mark ideas as duplicates",
    VOTE_TO_HIDE: "Vote to hide content",
    EDIT_TAGS: "Edit the tags and category of others' ideas",
}

# By level number (Newcomer ... Leader): a newcomer's report counts little, a trusted member's as
# much as their vote to hide; a newcomer may send a few reports a day, a leader many.
REPORT_WEIGHT = (1, 2, 3, 5, 5)
REPORTS_PER_DAY = (5, 10, 20, 50, 100)
HIDE_VOTE_WEIGHT = REPORT_WEIGHT[REQUIRED_LEVEL[VOTE_TO_HIDE]]


def _is_moderator(user: User, board) -> bool:
    from ideas import policy

    return policy.can_moderate(user, board)


def has(user: User | None, board, privilege: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if _is_moderator(user, board):
        return True
    return services.level_of(user.id, board.organisation_id).number >= REQUIRED_LEVEL[privilege]


def unlock_hint(privilege: str) -> str:
    """What a member below the level reads where the action would be."""
    needed = levels.by_number(REQUIRED_LEVEL[privilege])
    label = LABELS[privilege]
    return f"Reach level {needed.number} ({needed.name}, {needed.threshold} points) to {label[0].lower()}{label[1:]}."


def require(user: User, board, privilege: str) -> None:
    """Raises NotAllowed (403) saying which level the action takes and how far the member is."""
    if has(user, board, privilege):
        return
    needed = levels.by_number(REQUIRED_LEVEL[privilege])
    points = services.total_of(user.id, board.organisation_id) if getattr(user, "is_authenticated", False) else 0
    raise NotAllowed(
        f"{LABELS[privilege]} takes level {needed.number} ({needed.name}, {needed.threshold} points) "
        f"in {board.organisation.name}'s community; you have {points}."
    )


def unlocked(user: User | None, board) -> dict[str, bool]:
    """Every privilege at once, for pages that offer the actions (one total looked up)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return dict.fromkeys(REQUIRED_LEVEL, False)
    if _is_moderator(user, board):
        return dict.fromkeys(REQUIRED_LEVEL, True)
    level = services.level_of(user.id, board.organisation_id).number
    return {name: level >= needed for name, needed in REQUIRED_LEVEL.items()}


@dataclass(frozen=True)
class Reporter:
    """A member's standing as a reporter in one community."""

    level: levels.Level
    moderator: bool

    @property
    def weight(self) -> int:
        return REPORT_WEIGHT[-1] if self.moderator else REPORT_WEIGHT[self.level.number]

    @property
    def per_day(self) -> int | None:
        """Reports a day; None for the moderators, who act on content directly."""
        return None if self.moderator else REPORTS_PER_DAY[self.level.number]

    def limit_message(self, wait: float) -> str:
        """Why no more reports today, and when they may report again (`wait` seconds)."""
        message = (
            f"You have sent {self.per_day} reports today, the most a {self.level.name} (level {self.level.number}) can."
        )
        if self.level.number + 1 < len(levels.LEVELS):
            better = levels.by_number(self.level.number + 1)
            message += (
                f" Reach level {better.number} ({better.threshold} points) for {REPORTS_PER_DAY[better.number]} a day."
            )
        return message + f" Try again in {wait_phrase(wait)}."


def reporter(user: User, board) -> Reporter:
    return Reporter(services.level_of(user.id, board.organisation_id), _is_moderator(user, board))
