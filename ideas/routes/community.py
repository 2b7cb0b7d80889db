"""The actions reputation unlocks: vote to hide, mark a duplicate, and the moderators' answer
to duplicate suggestions. The privilege is checked by the services, so a post made directly
is refused just the same (403 with the level it takes)."""

from __future__ import annotations

from flask import abort, current_app, flash, request, url_for
from flask_login import current_user, login_required

from app.auth.forms import ConfirmForm
from app.errors_domain import DomainError, NotAllowed, NotFound
from app.web import redirect_to
from ideas import bp, policy
from ideas.moderation import community, privileges
from ideas.urls import board_args

TARGETS = ("idea", "comment")


def hide_votes_needed() -> int:
    """Trusted members' votes (or reports of the same weight) that hide content."""
    return current_app.config.get("COMMUNITY_HIDE_VOTES", community.HIDE_VOTES_NEEDED)


def _refuse(error: DomainError):
    """Refusals of the rules are errors (403/404); anything else is told on the idea's page."""
    if isinstance(error, (NotAllowed, NotFound)):
        abort(error.status, error.message)
    flash(error.message, "error")


@bp.post("/community/hide/<target_type>/<int:target_id>")
@login_required
def vote_to_hide(target_type: str, target_id: int):
    if target_type not in TARGETS:
        abort(404)
    idea_id = (
        policy.idea_or_404(current_user, target_id).id
        if target_type == "idea"
        else policy.comment_or_404(current_user, target_id).idea_id
    )
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form expired; please try again.")
    try:
        hidden = community.vote_to_hide(
            current_user,
            target_type,
            target_id,
            needed=hide_votes_needed(),
        )
    except DomainError as error:
        _refuse(error)
    else:
        flash(
            "Hidden until a moderator reviews it: enough trusted members agreed."
            if hidden
            else "Your vote to hide is counted; it hides when enough trusted members agree.",
            "info",
        )
    return redirect_to(url_for("ideas.show", idea_id=idea_id))


@bp.post("/ideas/<int:idea_id>/duplicate")
@login_required
def mark_duplicate(idea_id: int):
    idea = policy.idea_or_404(current_user, idea_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form expired; please try again.")
    raw = (request.form.get("duplicate_of_id") or "").strip().lstrip("#")
    try:
        community.suggest_duplicate(current_user, idea, int(raw) if raw.isdigit() and len(raw) < 10 else 0)
    except DomainError as error:
        _refuse(error)
    else:
        flash(f"Thanks: a product manager will look at merging it into #{raw}.", "success")
    return redirect_to(url_for("ideas.show", idea_id=idea_id))


@bp.post("/ideas/<int:idea_id>/duplicate/<int:duplicate_of_id>/dismiss")
@login_required
def dismiss_duplicate(idea_id: int, duplicate_of_id: int):
    idea = policy.idea_or_404(current_user, idea_id)
    if not policy.can_moderate(current_user, idea.board):
        abort(404)
    if ConfirmForm().validate_on_submit():
        community.dismiss_duplicate(current_user, idea, duplicate_of_id)
        flash("Suggestion dismissed.", "success")
    return redirect_to(url_for("ideas.queue", **board_args(idea.board)))


@bp.app_template_global()
def community_privileges(user, board) -> dict[str, bool]:
    return privileges.unlocked(user, board)


@bp.app_template_global()
def privilege_hint(privilege: str) -> str:
    return privileges.unlock_hint(privilege)
