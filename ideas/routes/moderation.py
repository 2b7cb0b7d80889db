"""Reporting (every member with a confirmed address) and the moderators' queue, actions, blocks and log."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.forms import ConfirmForm
from app.auth.models import User
from app.errors_domain import DomainError, NotFound
from app.extensions import db, htmx
from app.reputation.levels import LEVELS
from app.web import fragment, redirect_to, refuse_beside, safe_next
from ideas import bp, policy
from ideas.forms import BlockForm, FlagForm
from ideas.models import Idea, Visibility
from ideas.moderation import allowance, community, privileges
from ideas.moderation import services as moderation
from ideas.moderation.models import REASONS
from ideas.routes.community import hide_votes_needed
from ideas.urls import board_args

TARGETS = ("idea", "comment")


def _target_idea_id(target_type: str, target_id: int) -> int:
    """The idea a flag's target belongs to, checking the viewer may see it (404 otherwise)."""
    if target_type == "idea":
        return policy.idea_or_404(current_user, target_id).id
    return policy.comment_or_404(current_user, target_id).idea_id


@dataclass
class ReportControls:
    """What the idea page offers the viewer for reporting its idea and comments: worked out once
    a page. `locked` or `limit_message` say why the form is not offered."""

    offered: bool = False
    locked: str | None = None
    limit_message: str | None = None
    reported: dict[tuple[str, int], str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=lambda: REASONS)

    def reason(self, target_type: str, target_id: int) -> str | None:
        """The reason of the viewer's report of it, if they reported it."""
        return self.reported.get((target_type, target_id))


@bp.app_template_global()
def report_controls(user, idea, thread=()) -> ReportControls:
    board = idea.board
    if not policy.can_participate(user, board):
        return ReportControls()
    if not user.email_verified:
        return ReportControls(True, locked="Confirm your email address (we sent you a link) to report posts.")
    comment_ids = [c.id for comment, replies in thread for c in (comment, *replies)]
    reported = {("idea", i): r for i, r in moderation.reported_by(user, "idea", [idea.id]).items()}
    reported |= {("comment", i): r for i, r in moderation.reported_by(user, "comment", comment_ids).items()}
    standing = privileges.reporter(user, board)
    spent = standing.per_day is not None and allowance.used(user.id, board.organisation_id) >= standing.per_day
    wait = allowance.resets_in(user.id, board.organisation_id) if spent else 0
    return ReportControls(True, limit_message=standing.limit_message(wait) if spent else None, reported=reported)


@bp.post("/flag/<target_type>/<int:target_id>")
@login_required
def flag(target_type: str, target_id: int):
    """Report an idea or comment: a 303 back to it (the page then shows the report beside the
    control), or for htmx the control itself, saying what happened."""
    if target_type not in TARGETS:
        abort(404)
    idea_id = _target_idea_id(target_type, target_id)
    form = FlagForm()
    done = False
    if not form.validate_on_submit():
        message = "Choose a reason for the report."
    else:
        try:
            moderation.flag(
                current_user,
                target_type,
                target_id,
                form.reason.data,
                form.note.data,
                hide_votes_needed=hide_votes_needed(),
            )
        except NotFound:
            abort(404)
        except DomainError as error:
            message = error.message
        else:
            done = True
            message = f"Thanks: reported as {REASONS[form.reason.data].lower()}. The moderators will take a look."
            if moderation.load_target(target_type, target_id).visibility != Visibility.VISIBLE:
                message += " Enough members reported it: it is hidden until they do."
    if htmx:
        target = moderation.load_target(target_type, target_id)
        idea = target if target_type == "idea" else target.idea
        return fragment(
            "moderation/_report.html",
            target_type=target_type,
            target=target,
            reports=report_controls(current_user, idea, [(target, [])] if target_type == "comment" else ()),
            message=message,
            done=done,
        )
    if done or moderation.load_target(target_type, target_id).author_id == current_user.id:
        flash(message, "success" if done else "error")  # no Report control beside one's own post
    else:
        refuse_beside(f"report-{target_type}-{target_id}", message)
    idea = db.session.get(Idea, idea_id)
    if not policy.can_see_idea(current_user, idea):  # the report hid it until a moderator looks
        return redirect_to(url_for("ideas.board", **board_args(idea.board)))
    return redirect_to(url_for("ideas.show", idea_id=idea_id, _anchor=f"report-{target_type}-{target_id}"))


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
        level_names=[level.name for level in LEVELS],
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
