"""Merging a duplicate: the product manager finds the idea to keep by the words of its title
(htmx suggestions while typing, a page of results without JavaScript), confirms, and merges;
a merge can be undone for a while."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from app.errors_domain import DomainError
from app.extensions import db
from app.web import redirect_to, render
from ideas import bp, policy
from ideas.forms import MergeForm
from ideas.models import Idea
from ideas.services import merging
from ideas.urls import board_args

MAX_QUERY = 200


def _page(idea, status: int = 200, **context):
    """The merge page (or, for htmx, `partial`): the picker, or the confirmation of a choice."""
    partial = context.pop("partial")
    response = render("ideas/merge.html", partial=partial, idea=idea, **board_args(idea.board), **context)
    response.status_code = status
    return response


@bp.get("/ideas/<int:idea_id>/merge/candidates")
def merge_candidates(idea_id: int):
    """The board's ideas this one can be merged into, matching the words typed in `q`. For the
    board's product managers only; anyone else gets 404."""
    idea = policy.managed_idea_or_404(current_user, idea_id)
    query = (request.args.get("q") or "")[:MAX_QUERY]
    return _page(
        idea, partial="ideas/_merge_candidates.html", query=query, candidates=merging.merge_candidates(idea, query)
    )


@bp.get("/ideas/<int:idea_id>/merge")
def merge_confirm(idea_id: int):
    """ "Merge #12 'Dark mode' into #7 'Dark theme'?": the question before the merge, for the idea
    chosen among the candidates (`into`)."""
    idea = policy.managed_idea_or_404(current_user, idea_id)
    into = request.args.get("into", "")
    target = merging.merge_target(idea, int(into)) if into.isdigit() and len(into) < 10 else None
    return _page(
        idea,
        200 if target else 422,
        partial="ideas/_merge_confirm.html",
        confirming=True,
        target=target,
        query=(request.args.get("q") or "")[:MAX_QUERY],
        merge_form=MergeForm(target_id=target.id if target else None),
    )


@bp.post("/ideas/<int:idea_id>/merge")
@login_required
def merge(idea_id: int):
    idea = policy.idea_or_404(current_user, idea_id)
    policy.require_manage(current_user, idea.board)
    form = MergeForm()
    back = url_for("ideas.show", idea_id=idea_id)
    if not form.validate_on_submit():
        flash("Choose the idea to merge into among the ideas found on this board.", "error")
        return redirect_to(back)
    target = db.session.get(Idea, form.target_id.data)
    if target is None or not policy.can_see_idea(current_user, target):
        flash("There is no idea with that number on this board.", "error")
        return redirect_to(back)
    try:
        merging.merge_ideas(current_user, idea, target)
    except DomainError as error:
        flash(error.message, "error")
        return redirect_to(back)
    flash(f"Merged into #{target.id}. Its voters, followers and comments moved there.", "success")
    return redirect_to(url_for("ideas.show", idea_id=target.id))


@bp.post("/ideas/<int:idea_id>/merge/undo")
@login_required
def undo_merge(idea_id: int):
    idea = policy.idea_or_404(current_user, idea_id)
    policy.require_manage(current_user, idea.board)
    merge = merging.undoable_merge(idea)
    if merge is None:
        abort(409, "This merge can no longer be undone.")
    try:
        merging.undo_merge(current_user, merge)
    except DomainError as error:
        abort(error.status, error.message)
    flash("The merge is undone; votes, followers and comments are back.", "success")
    return redirect_to(url_for("ideas.show", idea_id=idea_id, stay=1))
