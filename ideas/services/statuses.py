"""The status workflow. Only product managers change a status; the message they give becomes
the idea's official response, and every change is kept as a timeline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from ideas import policy
from ideas.models import Idea, Status, StatusChange

MESSAGE_MAX = 10_000


@writes
def change_status(
    pm: User, idea: Idea, status: str, message: str = "", release_note: str = "", now: datetime | None = None
) -> StatusChange:
    """Raises NotAllowed (not a PM), ValidationFailed (unknown status) or Conflict (merged).

    The idea's row is locked for the transaction, so two simultaneous changes cannot both
    return its votes to their budgets."""
    idea = db.session.scalars(select(Idea).where(Idea.id == idea.id).with_for_update()).one()
    if not policy.can_manage(pm, idea.board):
        raise NotAllowed("Only the organisation's product managers can change a status.")
    if status not in Status.SETTABLE:
        raise ValidationFailed("Choose one of the listed statuses.", {"status": ["Unknown status."]})
    if idea.status == Status.MERGED:
        raise Conflict("This idea was merged into another; change the status there.")
    message = (message or "").strip()[:MESSAGE_MAX]
    release_note = (release_note or "").strip()[:MESSAGE_MAX]
    if status == idea.status and not message and not release_note:
        raise ValidationFailed(
            "The idea already has that status; add a message to respond.", {"status": ["Unchanged."]}
        )
    now = now or utcnow()
    change = StatusChange(
        idea_id=idea.id, from_status=idea.status, to_status=status, message=message, changed_by_id=pm.id, created_at=now
    )
    db.session.add(change)
    previous = idea.status
    idea.status = status
    idea.status_changed_at = now
    idea.last_activity_at = now
    if message:
        idea.official_response, idea.official_response_at, idea.official_response_by_id = message, now, pm.id
    if status == Status.DELIVERED:
        idea.delivered_at = idea.delivered_at or now
        if release_note:
            idea.release_note = release_note
    # Subscribers act in this transaction: a vote on a closed idea goes back to its voter's budget.
    events.publish(events.IdeaStatusChanged(idea.id, previous, status, message, pm.id))
    db.session.commit()
    audit.event("idea.status_changed", idea_id=idea.id, user_id=pm.id, status=status)
    return change


def history(idea: Idea) -> list[StatusChange]:
    return list(
        db.session.scalars(
            select(StatusChange)
            .where(StatusChange.idea_id == idea.id)
            .order_by(StatusChange.created_at, StatusChange.id)
        )
    )
