"""The organisation's side of a challenge: post, edit, its list, and the lifecycle buttons."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user, login_required

from app.errors_domain import DomainError
from app.extensions import db
from app.forms import apply_errors
from app.orgs import policy as org_policy
from app.orgs.services import get_by_slug, organisations_of
from app.web import act, redirect_to, render
from challenges import bp, policy
from challenges.forms.posting import (
    CancelForm,
    ChallengeForm,
    ExtendForm,
    fill_from,
    only_wording,
    parse_deadline,
    to_input,
    whole_number,
    zone_name,
)
from challenges.models import ChallengeType, IPTerms, State
from challenges.services import listing, posting
from ideas.models import Idea


def _org_or_404(slug: str):
    organisation = get_by_slug(slug)
    if organisation is None or org_policy.membership_of(current_user, organisation) is None:
        abort(404)
    return organisation


def _posting_org_or_404(slug: str):
    organisation = _org_or_404(slug)
    if not policy.can_post(current_user, organisation):
        abort(403, "Only the organisation's admins and product managers can post challenges.")
    return organisation


def _form_page(template: str, form: ChallengeForm, **context):
    return render_template(
        template,
        form=form,
        types=ChallengeType,
        ip_terms=IPTerms,
        zone=zone_name(form.timezone.data if "timezone" in form._fields else None),
        **context,
    ), 422 if form.errors or form.form_errors else 200


def _show_errors(form: ChallengeForm, error: DomainError) -> None:
    """The service names the reward `reward_amount`; the form calls it `reward`."""
    error.fields = {
        ("reward" if name == "reward_amount" else name): messages for name, messages in error.fields.items()
    }
    apply_errors(form, error)


def _preview(form: ChallengeForm):
    """The "Preview" button: show the statement rendered, write nothing."""
    return request.form.get("action") == "preview"


@bp.get("/challenges/new")
@login_required
def choose_org():
    """Which organisation posts? Straight to the form when there is only one (or the idea says)."""
    postable = [org for org in organisations_of(current_user) if policy.can_post(current_user, org)]
    idea = db.session.get(Idea, whole_number(request.args.get("idea")) or 0)
    if idea is not None:
        postable_ids = {org.id for org in postable}
        if idea.board.organisation_id in postable_ids:
            return redirect_to(url_for("challenges.new", org_slug=idea.board.organisation.slug, idea=idea.id))
    if len(postable) == 1:
        return redirect_to(url_for("challenges.new", org_slug=postable[0].slug))
    return render_template("challenges/choose_org.html", organisations=postable)


@bp.route("/challenges/new/<org_slug>", methods=["GET", "POST"])
@login_required
def new(org_slug: str):
    organisation = _posting_org_or_404(org_slug)
    form = ChallengeForm()
    idea_id = whole_number(request.args.get("idea")) if request.method == "GET" else None
    if idea_id is not None:
        idea = db.session.get(Idea, idea_id)
        if idea is not None and idea.board.organisation_id == organisation.id:
            form.idea_ids.data = str(idea.id)
            form.title.data = idea.title[:160]
    if not _preview(form) and form.validate_on_submit():
        data = to_input(form)
        if data is not None:
            try:
                challenge = posting.create_challenge(current_user, organisation, data)
            except DomainError as error:
                _show_errors(form, error)
            else:
                flash("Draft saved. Check it, then send it for funding to open it.", "success")
                return redirect_to(url_for("challenges.show", challenge_id=challenge.id))
    return _form_page("challenges/new.html", form, organisation=organisation, preview=_preview(form))


@bp.route("/challenges/<int:challenge_id>/edit", methods=["GET", "POST"])
@login_required
def edit(challenge_id: int):
    challenge = policy.managed_challenge_or_404(current_user, challenge_id)
    phase = challenge.phase()
    if phase not in (State.DRAFT, State.AWAITING_FUNDING, State.OPEN):
        flash(f"A challenge that is {State.LABELS[phase].lower()} can no longer be edited.", "error")
        return redirect_to(url_for("challenges.show", challenge_id=challenge.id))
    form = ChallengeForm()
    if phase == State.OPEN:
        only_wording(form)
    if request.method == "GET":
        fill_from(form, challenge)
        if "idea_ids" in form._fields:
            form.idea_ids.data = ", ".join(str(i) for i in listing.linked_idea_ids(challenge))
    if not _preview(form) and form.validate_on_submit():
        data = to_input(form, challenge)
        if data is not None:
            try:
                posting.update_challenge(current_user, challenge, data)
            except DomainError as error:
                _show_errors(form, error)
            else:
                flash("Challenge updated.", "success")
                return redirect_to(url_for("challenges.show", challenge_id=challenge.id))
    return _form_page(
        "challenges/edit.html",
        form,
        challenge=challenge,
        organisation=challenge.organisation,
        open_now=phase == State.OPEN,
        preview=_preview(form),
    )


@bp.post("/challenges/preview")
@login_required
def preview():
    """The statement as solvers will read it (htmx fragment for the Preview button)."""
    return render(
        "challenges/_preview.html",
        partial="challenges/_preview.html",
        source=request.form.get("statement", "")[:50_000],
    )


@bp.get("/orgs/<org_slug>/challenges")
@login_required
def org_challenges(org_slug: str):
    organisation = _org_or_404(org_slug)
    return render_template(
        "challenges/org_list.html",
        organisation=organisation,
        challenges=listing.of_organisation(organisation),
        states=State,
        can_post=policy.can_post(current_user, organisation),
    )


# --------------------------------------------------------------------------- lifecycle


def _act(challenge_id: int, action, success: str):
    challenge = policy.managed_challenge_or_404(current_user, challenge_id)
    return act(lambda: action(current_user, challenge), success, url_for("challenges.show", challenge_id=challenge_id))


@bp.post("/challenges/<int:challenge_id>/send-for-funding")
@login_required
def send_for_funding(challenge_id: int):
    return _act(
        challenge_id, posting.request_funding, "Sent for funding. The challenge opens once the reward is paid in."
    )


@bp.post("/challenges/<int:challenge_id>/back-to-draft")
@login_required
def back_to_draft(challenge_id: int):
    return _act(challenge_id, posting.back_to_draft, "Back to draft: everything can be edited again.")


@bp.post("/challenges/<int:challenge_id>/start-judging")
@login_required
def start_judging(challenge_id: int):
    return _act(challenge_id, posting.start_judging, "Judging has started: the submissions are final.")


@bp.route("/challenges/<int:challenge_id>/extend", methods=["GET", "POST"])
@login_required
def extend(challenge_id: int):
    challenge = policy.managed_challenge_or_404(current_user, challenge_id)
    form = ExtendForm()
    if form.validate_on_submit():
        new_deadline = parse_deadline(form.deadline, form.timezone.data)
        if new_deadline is not None:
            try:
                change = posting.extend_deadline(current_user, challenge, new_deadline, form.reason.data)
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error)
            else:
                flash(f"Deadline extended to {change.new_deadline:%d %b %Y, %H:%M} UTC.", "success")
                return redirect_to(url_for("challenges.show", challenge_id=challenge.id))
    return render_template(
        "challenges/extend.html", challenge=challenge, form=form, zone=zone_name(form.timezone.data)
    ), 422 if form.errors or form.form_errors else 200


@bp.route("/challenges/<int:challenge_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(challenge_id: int):
    challenge = policy.managed_challenge_or_404(current_user, challenge_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            posting.cancel(current_user, challenge, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            flash("The challenge is cancelled.", "success")
            return redirect_to(url_for("challenges.show", challenge_id=challenge.id))
    return render_template(
        "challenges/cancel.html",
        challenge=challenge,
        form=form,
        needs_reason=posting.cancellation_needs_reason(challenge),
    ), 422 if form.errors or form.form_errors else 200
