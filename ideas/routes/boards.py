"""Board pages: the idea list with its sorts, filters and search; roadmap; changelog; and the
product managers' board settings."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import quote_plus

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user, login_required
from pydantic import ValidationError

from app.api.pagination import PageQuery
from app.errors_domain import DomainError
from app.forms import apply_errors
from app.orgs import policy as org_policy
from app.orgs.services import get_by_slug
from app.page_cache import cached_page
from app.web import current_page_path, redirect_to, render
from ideas import bp, budgets, policy
from ideas.forms import BoardForm, CategoryForm, CustomerForm
from ideas.models import Status
from ideas.ranking import SORTS
from ideas.services import boards as board_services
from ideas.services import listing
from ideas.urls import board_args

PAGE_SIZE = 20


def _page_query() -> PageQuery:
    try:
        return PageQuery(cursor=request.args.get("cursor") or None, limit=PAGE_SIZE)
    except ValidationError:
        abort(400, "That page link is not valid.")


def current_filter() -> listing.IdeaFilter:
    args = request.args
    return listing.IdeaFilter(
        sort=args.get("sort", listing.DEFAULT_SORT),
        status=args.get("status"),
        category=args.get("category"),
        tag=args.get("tag"),
        q=args.get("q"),
    ).normalised()


class RowLinks:
    """The links each idea row repeats, built once per page and completed per row: a url_for
    per link and row (about 140 a page) was a fifth of a board page's time (bench/RESULTS.md).
    Each gives what url_for would."""

    _ID = 2147483647  # a stand-in id, replaced by each row's own

    def __init__(self, board_url: str, here: str):
        self.board_url = board_url
        self._idea = url_for("ideas.show", idea_id=self._ID).replace(str(self._ID), "{}")
        self._vote = url_for("voting.vote", idea_id=self._ID).replace(str(self._ID), "{}")
        self._login = url_for("auth.login")
        self._back = _query_value(here)

    def idea(self, idea_id: int) -> str:
        return self._idea.format(idea_id)

    def vote(self, idea_id: int) -> str:
        return self._vote.format(idea_id)

    def sign_in_to_vote(self, idea_id: int, value: int) -> str:
        """Sign in, then confirm the vote (voting.confirm_vote) and come back to this page."""
        confirm = f"{self.vote(idea_id)}?back={self._back}&value={value}"
        return f"{self._login}?next={_query_value(confirm)}"

    def filtered(self, key: str, value: str) -> str:
        return f"{self.board_url}?{key}={_query_value(value)}"


def _query_value(value: str) -> str:
    return quote_plus(value, safe="!$'()*,/:;?@")  # as werkzeug encodes url_for's query values


def sorts_for(board) -> dict:
    return {key: value for key, value in SORTS.items() if key != "confidence" or board.allow_downvotes}


@bp.get("/boards/<org_slug>/<board_slug>")
@cached_page
def board(org_slug: str, board_slug: str):
    board = policy.board_or_404(current_user, org_slug, board_slug)
    flt = current_filter()
    try:
        ideas, next_cursor = listing.list_ideas(board, flt, _page_query())
    except DomainError:
        abort(400, "That page link is not valid; start from the first page.")
    flt_args = {key: value for key, value in asdict(flt).items() if value and key != "author_id"}
    context = dict(
        board=board,
        ideas=ideas,
        next_cursor=next_cursor,
        flt=flt,
        flt_args=flt_args,
        sorts=sorts_for(board),
        statuses=Status.LABELS,
        my_votes=listing.votes_of(current_user, ideas),
        tags=listing.tags_of(board),
        can_manage=policy.can_manage(current_user, board),
        can_participate=policy.can_participate(current_user, board),
        remaining=budgets.votes_left(current_user, board),
        **board_args(board),
    )
    context["links"] = RowLinks(url_for("ideas.board", **board_args(board)), current_page_path())
    # "Load more" asks for the next rows only; the filter form swaps the whole list.
    partial = "ideas/_idea_rows.html" if request.args.get("cursor") else "ideas/_idea_list.html"
    return render("boards/show.html", partial=partial, **context)


@bp.get("/boards/<org_slug>/<board_slug>/roadmap")
def roadmap(org_slug: str, board_slug: str):
    board = policy.board_or_404(current_user, org_slug, board_slug)
    return render_template(
        "boards/roadmap.html", board=board, columns=listing.roadmap(board), statuses=Status.LABELS, **board_args(board)
    )


@bp.get("/boards/<org_slug>/<board_slug>/changelog")
def changelog(org_slug: str, board_slug: str):
    board = policy.board_or_404(current_user, org_slug, board_slug)
    try:
        ideas, next_cursor = listing.changelog(board, _page_query())
    except DomainError:
        abort(400, "That page link is not valid; start from the first page.")
    return render_template(
        "boards/changelog.html", board=board, ideas=ideas, next_cursor=next_cursor, **board_args(board)
    )


@bp.route("/orgs/<org_slug>/boards/new", methods=["GET", "POST"])
@login_required
def new_board(org_slug: str):
    organisation = get_by_slug(org_slug)
    if organisation is None:
        abort(404)
    org_policy.require_role(current_user, organisation, "pm")
    form = BoardForm()
    if form.validate_on_submit():
        try:
            created = board_services.create_board(
                current_user,
                organisation,
                form.name.data,
                form.slug.data,
                form.description.data,
                form.is_private.data,
                form.allow_downvotes.data,
                form.vote_budget.data,
                (form.categories.data or "").split(","),
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(f"The board {created.name} is open.", "success")
            return redirect_to(url_for("ideas.board", **board_args(created)))
    return render_template("boards/new.html", organisation=organisation, form=form), 422 if form.errors else 200


@bp.route("/boards/<org_slug>/<board_slug>/settings", methods=["GET", "POST"])
@login_required
def settings(org_slug: str, board_slug: str):
    board = policy.board_or_404(current_user, org_slug, board_slug)
    policy.require_manage(current_user, board)
    form = BoardForm(obj=board)
    del form.slug, form.categories
    if form.validate_on_submit():
        try:
            board_services.update_board(
                board,
                form.name.data,
                form.description.data,
                form.is_private.data,
                form.allow_downvotes.data,
                form.vote_budget.data,
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash("Board settings saved.", "success")
            return redirect_to(url_for("ideas.settings", **board_args(board)))
    return render_template(
        "boards/settings.html",
        board=board,
        form=form,
        category_form=CategoryForm(),
        customer_form=CustomerForm(),
        customers=board_services.customers(board),
        **board_args(board),
    ), 422 if form.errors else 200


@bp.post("/boards/<org_slug>/<board_slug>/categories")
@login_required
def add_category(org_slug: str, board_slug: str):
    board = policy.board_or_404(current_user, org_slug, board_slug)
    policy.require_manage(current_user, board)
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = board_services.add_category(board, form.name.data)
            flash(f"Category {category.name} added.", "success")
        except DomainError as error:
            flash(error.message, "error")
    else:
        flash("Enter a category name.", "error")
    return redirect_to(url_for("ideas.settings", **board_args(board)))


@bp.post("/boards/<org_slug>/<board_slug>/categories/<int:category_id>/delete")
@login_required
def remove_category(org_slug: str, board_slug: str, category_id: int):
    board = policy.board_or_404(current_user, org_slug, board_slug)
    policy.require_manage(current_user, board)
    try:
        board_services.remove_category(board, category_id)
        flash("Category removed; its ideas keep their place without a category.", "success")
    except DomainError as error:
        abort(error.status, error.message)
    return redirect_to(url_for("ideas.settings", **board_args(board)))


@bp.post("/boards/<org_slug>/<board_slug>/customers")
@login_required
def add_customer(org_slug: str, board_slug: str):
    board = policy.board_or_404(current_user, org_slug, board_slug)
    policy.require_manage(current_user, board)
    form = CustomerForm()
    if form.validate_on_submit():
        try:
            member, new = board_services.invite_customer(current_user, board, form.email.data)
            flash(
                f"{member.email} is invited: we are mailing them a link to this board, which they see once "
                "signed in with that confirmed address."
                if new
                else f"{member.email} was invited already.",
                "success",
            )
        except DomainError as error:
            flash(error.message, "error")
    return redirect_to(url_for("ideas.settings", **board_args(board)))


@bp.post("/boards/<org_slug>/<board_slug>/customers/<int:member_id>/delete")
@login_required
def remove_customer(org_slug: str, board_slug: str, member_id: int):
    board = policy.board_or_404(current_user, org_slug, board_slug)
    policy.require_manage(current_user, board)
    try:
        board_services.remove_customer(current_user, board, member_id)
        flash("Access removed.", "success")
    except DomainError as error:
        abort(error.status, error.message)
    return redirect_to(url_for("ideas.settings", **board_args(board)))
