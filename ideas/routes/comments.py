"""Comments on an idea: post, reply, edit, delete (a tombstone), accept as the answer."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user, login_required

from app.errors_domain import DomainError
from app.web import redirect_to
from ideas import bp, policy
from ideas.forms import CommentForm
from ideas.services import comments as comment_services


def _back(idea_id: int, comment_id: int | None = None) -> str:
    return url_for("ideas.show", idea_id=idea_id) + (f"#comment-{comment_id}" if comment_id else "#comments")


@bp.post("/ideas/<int:idea_id>/comments")
@login_required
def post_comment(idea_id: int):
    idea = policy.idea_or_404(current_user, idea_id)
    form = CommentForm()
    if not form.validate_on_submit():
        flash(" ".join(form.body.errors) or "Write a comment first.", "error")
        return redirect_to(_back(idea_id))
    parent_id = int(form.parent_id.data) if (form.parent_id.data or "").isdigit() else None
    try:
        comment = comment_services.post_comment(current_user, idea, form.body.data, parent_id)
    except DomainError as error:
        flash(error.message, "error")
        return redirect_to(_back(idea_id))
    if comment.visibility == "pending":
        flash("Thanks! Your comment will appear once a moderator has had a look.", "info")
    return redirect_to(_back(idea_id, comment.id))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(comment_id: int):
    comment = policy.comment_or_404(current_user, comment_id)
    if not comment_services.can_edit_comment(current_user, comment):
        abort(403, "This comment can no longer be edited.")
    form = CommentForm(obj=comment)
    if form.validate_on_submit():
        try:
            comment_services.edit_comment(current_user, comment, form.body.data)
        except DomainError as error:
            form.body.errors = [error.message]
        else:
            return redirect_to(_back(comment.idea_id, comment.id))
    return render_template("ideas/edit_comment.html", comment=comment, form=form), 422 if form.errors else 200


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete_comment(comment_id: int):
    comment = policy.comment_or_404(current_user, comment_id)
    try:
        comment_services.delete_comment(current_user, comment)
    except DomainError as error:
        abort(error.status, error.message)
    flash("Comment deleted.", "success")
    return redirect_to(_back(comment.idea_id, comment.id))


@bp.post("/comments/<int:comment_id>/accept")
@login_required
def accept_comment(comment_id: int):
    comment = policy.comment_or_404(current_user, comment_id)
    try:
        comment_services.accept_comment(current_user, comment, accepted=request.form.get("accepted") != "0")
    except DomainError as error:
        abort(error.status, error.message)
    return redirect_to(_back(comment.idea_id, comment.id))
