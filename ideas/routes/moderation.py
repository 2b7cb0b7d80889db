"""Flagging (members from reputation level 1) and the moderators' queue, actions, blocks and log."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.forms import ConfirmForm
from app.auth.models import User
from app.errors_domain import DomainError
from app.extensions import db
from app.web import redirect_to, safe_next
from ideas import bp, policy
from ideas.forms import BlockForm, FlagForm
from ideas.moderation import community
from ideas.moderation import services as moderation
from ideas.moderation.models import REASONS
from ideas.urls import board_args

TARGETS = ("idea", "comment")


def _target_idea_id(target_type: str, target_id: int) -> int:
    """The idea a flag's target belongs to, checking the viewer may see it (404 otherwise)."""
    if target_type == "idea":
        return policy.idea_or_404(current_user, target_id).id
    return policy.comment_or_404(current_user, target_id).idea_id


@bp.post("/flag/<target_type>/<int:target_id>")
@login_required
def flag(target_type: str, target_id: int):
    if target_type not in TARGETS:
        abort(404)
    idea_id = _target_idea_id(target_type, target_id)
    form = FlagForm()
    if form.validate_on_submit():
        try:
            created = moderation.flag(current_user, target_type, target_id, form.reason.data, form.note.data)
        except DomainError as error:
            abort(error.status, error.message)
        flash("Thanks, the moderators will take a look." if created else "You flagged this already.", "info")
    else:
        flash("Choose a reason for the flag.", "error")
    return redirect_to(url_for("ideas.show", idea_id=idea_id))


def _moderated_board(org_slug: str, board_slug: str):
    board = policy.board_or_404(current_user, org_slug, board_slug)
    if not policy.can_moderate(current_user, board):
        abort(404)
    return board


@bp.get("/boards/<org_slug>/<board_slug>/moderation")
@login_required
def queue(org_slug: str, board_slug: str):
    board = _moderated_board(org_slug, board_slug)
    return render_template(
        "moderation/queue.html",
        board=board,
        items=moderation.queue(board),
        reasons=REASONS,
        blocked=moderation.blocked_members(board),
        form=ConfirmForm(),
        block_form=BlockForm(),
        log=moderation.log_entries(board, 30),
        duplicates=community.open_duplicates(board),
        **board_args(board),
    )


@bp.post("/boards/<org_slug>/<board_slug>/moderation/<action>/<target_type>/<int:target_id>")
@login_required
def act(org_slug: str, board_slug: str, action: str, target_type: str, target_id: int):
    board = _moderated_board(org_slug, board_slug)
    handlers = {
        "hide": moderation.hide,
        "restore": moderation.restore,
        "dismiss": moderation.dismiss,
        "spam": moderation.remove_as_spam,
    }
    if action not in handlers or target_type not in TARGETS:
        abort(404)
    try:
        target = moderation.load_target(target_type, target_id)
    except DomainError:
        abort(404)
    owner = target if target_type == "idea" else target.idea
    if owner.board_id != board.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            handlers[action](current_user, target_type, target_id)
        except DomainError as error:
            abort(error.status, error.message)
        flash(
            {
                "hide": "Hidden.",
                "restore": "Restored: it is public again.",
                "spam": "Removed as spam.",
                "dismiss": "Flags dismissed; each flagger lost reputation for it.",
            }[action],
            "success",
        )
    return redirect_to(safe_next(request.form.get("next"), url_for("ideas.queue", **board_args(board))))


@bp.post("/boards/<org_slug>/<board_slug>/blocks")
@login_required
def block(org_slug: str, board_slug: str):
    board = _moderated_board(org_slug, board_slug)
    form = BlockForm()
    user = db.session.get(User, int(form.user_id.data)) if (form.user_id.data or "").isdigit() else None
    if not form.validate_on_submit() or user is None:
        abort(400, "Choose a member to block.")
    try:
        moderation.block(current_user, board, user, form.reason.data)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"{user.display_name} can no longer post, comment or vote on {board.name}.", "success")
    return redirect_to(url_for("ideas.queue", **board_args(board)))


@bp.post("/boards/<org_slug>/<board_slug>/blocks/<int:user_id>/delete")
@login_required
def unblock(org_slug: str, board_slug: str, user_id: int):
    board = _moderated_board(org_slug, board_slug)
    if ConfirmForm().validate_on_submit():
        try:
            moderation.unblock(current_user, board, user_id)
        except DomainError as error:
            abort(error.status, error.message)
        flash("Unblocked.", "success")
    return redirect_to(url_for("ideas.queue", **board_args(board)))
