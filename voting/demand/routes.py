"""Product managers' demand pages: a board's dashboard and its CSV export, and the
organisation's segments page (segments, email domains, customers set one by one)."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.forms import ConfirmForm
from app.errors_domain import DomainError, ValidationFailed
from app.forms import apply_errors
from app.orgs import policy as org_policy
from app.orgs.models import Organisation
from app.orgs.services import get_by_slug
from app.urls import external_url
from app.web import redirect_to
from ideas import policy
from ideas.models import Status
from ideas.services.boards import boards_of
from ideas.urls import board_args
from voting.demand import services as demand
from voting.demand.chart import vote_chart
from voting.demand.forms import CustomerForm, DomainForm, SegmentForm, with_segments

bp = Blueprint("demand", __name__)

PAGE_LIMIT = 50
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _mode() -> str:
    mode = request.args.get("mode", demand.WEIGHT)
    return mode if mode in demand.MODES else demand.WEIGHT


def _statuses() -> tuple[str, ...]:
    """The statuses of the `status` query values (not closed, without any). Raises
    ValidationFailed for an unknown one."""
    return demand.parse_statuses(request.args.getlist("status"))


def _managed_board(org_slug: str, board_slug: str):
    board = policy.board_or_404(current_user, org_slug, board_slug)
    policy.require_manage(current_user, board)
    return board


@bp.get("/boards/<org_slug>/<board_slug>/demand")
@login_required
def board(org_slug: str, board_slug: str):
    board = _managed_board(org_slug, board_slug)
    mode = _mode()
    try:
        statuses, status_error = _statuses(), None
    except ValidationFailed as error:  # the page still answers, for the default statuses
        statuses, status_error = demand.DEFAULT_STATUSES, error.message
    result = demand.board_demand(board, mode, limit=PAGE_LIMIT, statuses=statuses)
    days = demand.vote_history(board, statuses=statuses)
    return render_template(
        "demand/board.html",
        board=board,
        result=result,
        mode=mode,
        modes=demand.MODES,
        statuses=statuses,
        status_choices={status: Status.LABELS[status] for status in demand.STATUSES},
        status_error=status_error,
        chart=vote_chart(days),
        days=days,
        default_weight=demand.DEFAULT_WEIGHT,
        can_manage=True,
        can_manage_segments=True,
        **board_args(board),
    ), 400 if status_error else 200


def csv_cell(value) -> object:
    """Text a spreadsheet would run as a formula (= + - @, or a leading tab or return) gets a
    leading apostrophe, so it stays text. Numbers pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@bp.get("/boards/<org_slug>/<board_slug>/demand.csv")
@login_required
def board_csv(org_slug: str, board_slug: str):
    """Every voted idea of the chosen statuses (not only the first page), ranked as on the
    dashboard. An unknown status is a 400 that says which."""
    board = _managed_board(org_slug, board_slug)
    mode = _mode()
    try:
        statuses = _statuses()
    except ValidationFailed as error:
        abort(400, error.message)
    result = demand.board_demand(board, mode, limit=None, statuses=statuses)
    order = result.segment_order
    header = ["rank", "idea_id", "title", "status", "url", "upvotes", "downvotes", "weighted_demand", "revenue_demand"]
    for segment_id in order:
        name = result.segment_name(segment_id)
        header += [f"{name}: votes", f"{name}: weighted", f"{name}: accounts", f"{name}: revenue"]
    header.append(f"top customers by {'revenue' if mode == demand.REVENUE else 'weight'}")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(cell) for cell in header])
    for rank, idea in enumerate(result.ideas, start=1):
        shares = {share.segment_id: share for share in idea.segments}
        row = [
            rank,
            idea.idea_id,
            idea.title,
            idea.status_label,
            external_url("ideas.show", idea_id=idea.idea_id),
            idea.upvotes,
            idea.downvotes,
            idea.weighted,
            idea.revenue,
        ]
        for segment_id in order:
            share = shares.get(segment_id) or demand.SegmentShare(segment_id)
            row += [share.votes, share.weighted, share.accounts, share.revenue]
        row.append("; ".join(f"{c.name} ({c.detail})" for c in idea.top_customers))
        writer.writerow([csv_cell(cell) for cell in row])
    filename = f"demand-{board.organisation.slug}-{board.slug}-{mode}.csv"
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    response = current_app.response_class("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- the organisation's segments


def _organisation(slug: str) -> Organisation:
    organisation = get_by_slug(slug)
    if organisation is None:
        abort(404)
    org_policy.require_role(current_user, organisation, "pm")
    return organisation


def _segments_page(organisation: Organisation, segment_form=None, domain_form=None, customer_form=None):
    segments = demand.segments_of(organisation)
    forms = dict(
        segment_form=segment_form or SegmentForm(prefix="segment", formdata=None),
        domain_form=with_segments(domain_form or DomainForm(prefix="domain", formdata=None), segments),
        customer_form=with_segments(customer_form or CustomerForm(prefix="customer", formdata=None), segments),
    )
    failed = any(form.errors for form in forms.values())
    return render_template(
        "orgs/segments.html",
        organisation=organisation,
        segments=segments,
        domains=demand.domains_of(organisation),
        customers=demand.customer_values_of(organisation),
        boards=boards_of(organisation),
        default_weight=demand.DEFAULT_WEIGHT,
        can_admin=org_policy.has_role(current_user, organisation, "admin"),
        can_manage_segments=True,
        **forms,
    ), 422 if failed else 200


def _back(organisation: Organisation, anchor: str = ""):
    return redirect_to(url_for("demand.segments", slug=organisation.slug) + anchor)


@bp.get("/orgs/<slug>/segments")
@login_required
def segments(slug: str):
    return _segments_page(_organisation(slug))


@bp.post("/orgs/<slug>/segments")
@login_required
def create_segment(slug: str):
    organisation = _organisation(slug)
    form = SegmentForm(prefix="segment")
    if form.validate_on_submit():
        try:
            segment = demand.create_segment(current_user, organisation, form.name.data, form.weight.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(f"Segment {segment.name} added: each vote from it counts {segment.weight}.", "success")
            return _back(organisation, "#segments")
    return _segments_page(organisation, segment_form=form)


@bp.route("/orgs/<slug>/segments/<int:segment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_segment(slug: str, segment_id: int):
    organisation = _organisation(slug)
    try:
        segment = demand.get_segment(organisation, segment_id)
    except DomainError:
        abort(404)
    form = SegmentForm(obj=segment)
    if form.validate_on_submit():
        try:
            demand.update_segment(current_user, segment, form.name.data, form.weight.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(f"Segment {segment.name} saved.", "success")
            return _back(organisation, "#segments")
    return render_template(
        "orgs/segments_edit.html",
        organisation=organisation,
        segment=segment,
        form=form,
        can_admin=org_policy.has_role(current_user, organisation, "admin"),
        can_manage_segments=True,
    ), 422 if form.errors else 200


@bp.post("/orgs/<slug>/segments/<int:segment_id>/delete")
@login_required
def delete_segment(slug: str, segment_id: int):
    organisation = _organisation(slug)
    try:
        segment = demand.get_segment(organisation, segment_id)
    except DomainError:
        abort(404)
    if ConfirmForm().validate_on_submit():
        demand.delete_segment(current_user, segment)
        flash(f"Segment {segment.name} deleted; its customers now count {demand.DEFAULT_WEIGHT}.", "success")
    return _back(organisation, "#segments")


@bp.post("/orgs/<slug>/segments/domains")
@login_required
def map_domain(slug: str):
    organisation = _organisation(slug)
    form = with_segments(DomainForm(prefix="domain"), demand.segments_of(organisation))
    if form.validate_on_submit():
        try:
            mapping = demand.map_domain(
                current_user, organisation, form.domain.data, form.segment_id.data, form.yearly_revenue.data
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(f"Everyone @{mapping.domain} is now one customer account.", "success")
            return _back(organisation, "#domains")
    return _segments_page(organisation, domain_form=form)


@bp.post("/orgs/<slug>/segments/domains/<int:mapping_id>/delete")
@login_required
def unmap_domain(slug: str, mapping_id: int):
    organisation = _organisation(slug)
    if ConfirmForm().validate_on_submit():
        try:
            demand.unmap_domain(current_user, organisation, mapping_id)
        except DomainError:
            abort(404)
        flash("Domain removed.", "success")
    return _back(organisation, "#domains")


@bp.post("/orgs/<slug>/segments/customers")
@login_required
def set_customer(slug: str):
    organisation = _organisation(slug)
    form = with_segments(CustomerForm(prefix="customer"), demand.segments_of(organisation))
    if form.validate_on_submit():
        try:
            demand.set_customer_value(
                current_user, organisation, form.email.data, form.segment_id.data, form.yearly_revenue.data
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(f"Values of {form.email.data.strip()} saved.", "success")
            return _back(organisation, "#customers")
    return _segments_page(organisation, customer_form=form)


@bp.post("/orgs/<slug>/segments/customers/<int:value_id>/delete")
@login_required
def clear_customer(slug: str, value_id: int):
    organisation = _organisation(slug)
    if ConfirmForm().validate_on_submit():
        try:
            demand.clear_customer_value(current_user, organisation, value_id)
        except DomainError:
            abort(404)
        flash("The customer follows their email domain again.", "success")
    return _back(organisation, "#customers")
