"""What a member's reputation in a community lets them do: the one place it is checked.

Product managers (the board's moderators) hold every privilege whatever their points."""

from __future__ import annotations

from app.auth.models import User
from app.errors_domain import NotAllowed
from app.reputation import levels, services

FLAG = "flag"
MARK_DUPLICATE = "mark_duplicate"
VOTE_TO_HIDE = "vote_to_hide"
EDIT_TAGS = "edit_tags"

REQUIRED_LEVEL = {FLAG: 1, MARK_DUPLICATE: 2, VOTE_TO_HIDE: 3, EDIT_TAGS: 3}
LABELS = {
    FLAG: "Flag content for the moderators",
    MARK_DUPLICATE: "Mark ideas as duplicates",
    VOTE_TO_HIDE: "Vote to hide content",
    EDIT_TAGS: "Edit the tags and category of others' ideas",
}


def _is_moderator(user: User, board) -> bool:
    from ideas import policy

    return policy.can_moderate(user, board)


def has(user: User | None, board, privilege: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if _is_moderator(user, board):
        return True
    return services.level_of(user.id, board.organisation_id).number >= REQUIRED_LEVEL[privilege]


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
