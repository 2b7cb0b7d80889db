"""An idea's life: submit (with similar ideas while typing), read, edit, delete, follow, and
the product managers' status changes (merging is in ideas/routes/merging.py)."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user, login_required

from app.errors_domain import DomainError
from app.extensions import db, htmx
from app.forms import apply_errors, validate_all
from app.markdown import render_markdown
from app.web import redirect_to, refuse_beside, render, with_anchor
from ideas import bp, budgets, policy
from ideas.forms import CommentForm, IdeaForm, ProxyVoteForm, StatusForm
from ideas.models import Idea, Status
from ideas.moderation.forms import RetagForm
from ideas.services import comments as comment_services
from ideas.services import follows, listing, merging, statuses, votes
from ideas.services import ideas as idea_services
from ideas.urls import board_args


def _category_choices(form: IdeaForm, board) -> None:
    form.category_id.choices = [("", "No category")] + [(c.id, c.name) for c in board.categories]


@bp.route("/boards/<org_slug>/<board_slug>/new", methods=["GET", "POST"])
@login_required
def new_idea(org_slug: str, board_slug: str):
    board = policy.board_or_404(current_user, org_slug, board_slug)
    if not policy.can_participate(current_user, board):
        abort(403, "You cannot post on this board.")
    form = IdeaForm(title=request.args.get("title", ""))
    _category_choices(form, board)
    data = idea_services.IdeaInput(
        form.title.data, form.body.data, form.category_id.data, idea_services.parse_tags(form.tags.data)
    )
    if validate_all(form, lambda: idea_services.check_idea(board, data)):
        try:
            idea = idea_services.submit_idea(current_user, board, data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            if idea.visibility == "pending":
                flash("Thanks! Your idea will appear once a moderator has had a look.", "info")
            else:
                flash("Your idea is posted. Share it so others can vote.", "success")
            return redirect_to(url_for("ideas.show", idea_id=idea.id))
    similar = listing.similar_ideas(board, form.title.data or "") if form.title.data else []
    return render_template(
        "ideas/new.html", board=board, form=form, similar=similar, **board_args(board)
    ), 422 if form.errors else 200


@bp.get("/boards/<org_slug>/<board_slug>/similar")
def similar(org_slug: str, board_slug: str):
    """The 'is it already here?' panel the submit form refreshes while the title is typed."""
    board = policy.board_or_404(current_user, org_slug, board_slug)
    ideas = listing.similar_ideas(board, request.args.get("title", ""))
    return render("ideas/_similar.html", partial="ideas/_similar.html", board=board, similar=ideas)


@bp.get("/ideas/<int:idea_id>")
def show(idea_id: int):
    idea = policy.idea_or_404(current_user, idea_id)
    if idea.status == Status.MERGED and idea.merged_into_id and not request.args.get("stay"):
        target = db.session.get(Idea, idea.merged_into_id)
        if target is not None and policy.can_see_idea(current_user, target):
            flash(f"“{idea.title}” was merged into this idea; its votes and comments are here now.", "info")
            return redirect_to(url_for("ideas.show", idea_id=target.id, merged_from=idea.id), code=301)
    board = idea.board
    can_manage = policy.can_manage(current_user, board)
    status_form = StatusForm(status=idea.status if idea.status in Status.SETTABLE else Status.OPEN)
    return render_template(
        "ideas/show.html",
        idea=idea,
        board=board,
        body_html=render_markdown(idea.body),
        response_html=render_markdown(idea.official_response) if idea.official_response else None,
        history=statuses.history(idea),
        thread=comment_services.thread(idea, current_user),
        comment_form=CommentForm(),
        status_form=status_form,
        can_manage=can_manage,
        can_participate=policy.can_participate(current_user, board),
        can_edit=idea_services.can_edit(current_user, idea),
        following=follows.is_following(current_user, idea),
        my_vote=votes.my_vote(current_user, idea),
        remaining=budgets.votes_left(current_user, board),
        related=listing.similar_ideas(board, idea.title, limit=4, exclude_id=idea.id),
        undo=merging.undoable_merge(idea) if can_manage else None,
        proxy_votes=votes.proxy_votes(idea) if can_manage else [],
        proxy_form=ProxyVoteForm(),
        render_markdown=render_markdown,
        can_edit_comment=lambda c: comment_services.can_edit_comment(current_user, c),
        **board_args(board),
    )


@bp.route("/ideas/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
def edit(idea_id: int):
    idea = policy.idea_or_404(current_user, idea_id)
    if not idea_services.can_edit(current_user, idea):
        abort(403, "This idea can no longer be edited: the edit window has closed or it has votes.")
    form = IdeaForm(obj=idea, tags=", ".join(t.name for t in idea.tags))
    _category_choices(form, idea.board)
    if form.validate_on_submit():
        data = idea_services.IdeaInput(
            form.title.data, form.body.data, form.category_id.data, idea_services.parse_tags(form.tags.data)
        )
        try:
            idea_services.edit_idea(current_user, idea, data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash("Idea updated; the earlier text is kept in its history.", "success")
            return redirect_to(url_for("ideas.show", idea_id=idea.id))
    return render_template(
        "ideas/edit.html", idea=idea, board=idea.board, form=form, **board_args(idea.board)
    ), 422 if form.errors else 200


@bp.post("/ideas/<int:idea_id>/tags")
@login_required
def retag(idea_id: int):
    """Tags and category only (trusted members on others' ideas); refused with 403 below the level."""
    idea = policy.idea_or_404(current_user, idea_id)
    form = RetagForm()
    _category_choices(form, idea.board)
    if not form.validate_on_submit():
        flash("Choose one of the board's categories.", "error")
        return redirect_to(url_for("ideas.show", idea_id=idea_id))
    try:
        idea_services.retag_idea(current_user, idea, form.category_id.data, form.tags.data)
    except DomainError as error:
        if error.status in (403, 404):
            abort(error.status, error.message)
        flash(error.message, "error")
    else:
        flash("Tags and category saved.", "success")
    return redirect_to(url_for("ideas.show", idea_id=idea_id))


@bp.get("/ideas/<int:idea_id>/history")
def history(idea_id: int):
    idea = policy.idea_or_404(current_user, idea_id)
    return render_template(
        "ideas/history.html",
        idea=idea,
        revisions=idea_services.revisions(idea),
        render_markdown=render_markdown,
        **board_args(idea.board),
    )


@bp.post("/ideas/<int:idea_id>/delete")
@login_required
def delete(idea_id: int):
    idea = policy.idea_or_404(current_user, idea_id)
    board = idea.board
    try:
        idea_services.delete_idea(current_user, idea)
    except DomainError as error:
        flash(error.message, "error")
        return redirect_to(url_for("ideas.show", idea_id=idea_id))
    flash("Your idea was deleted.", "success")
    return redirect_to(url_for("ideas.board", **board_args(board)))


@bp.post("/ideas/<int:idea_id>/follow")
@login_required
def follow(idea_id: int):
    idea = policy.idea_or_404(current_user, idea_id)
    try:
        if request.form.get("follow") == "0":
            follows.unfollow(current_user, idea)
        else:
            follows.follow(current_user, idea)
    except DomainError as error:
        if htmx:
            abort(error.status, error.message)
        refuse_beside(f"follow-{idea_id}", error.message)
    if not htmx:
        # A merged idea's page is shown (with its button) only when asked to stay on it.
        stay = 1 if idea.status == Status.MERGED else None
        return redirect_to(with_anchor(url_for("ideas.show", idea_id=idea_id, stay=stay), f"follow-{idea_id}"))
    idea = db.session.get(Idea, idea_id)
    return render(
        "ideas/_follow.html",
        partial="ideas/_follow.html",
        idea=idea,
        following=follows.is_following(current_user, idea),
    )


@bp.post("/ideas/<int:idea_id>/status")
@login_required
def change_status(idea_id: int):
    idea = policy.idea_or_404(current_user, idea_id)
    policy.require_manage(current_user, idea.board)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            statuses.change_status(current_user, idea, form.status.data, form.message.data, form.release_note.data)
            flash(f"Status set to {Status.LABELS[form.status.data]}; followers and voters are told.", "success")
        except DomainError as error:
            flash(error.message, "error")
    else:
        flash("Choose a status.", "error")
    return redirect_to(url_for("ideas.show", idea_id=idea_id))
