"""Organisation pages: create, public profile, settings, members and invitations."""

from __future__ import annotations

from flask import abort, flash, render_template, url_for
from flask_login import current_user, login_required

from app.auth.forms import ConfirmForm
from app.errors_domain import DomainError
from app.extensions import db
from app.forms import apply_errors
from app.orgs import bp, policy, services
from app.orgs.forms import InviteForm, OrganisationForm, RolesForm
from app.orgs.models import ROLE_LABELS, Invitation, Membership, Organisation
from app.web import redirect_to, render


def _organisation_or_404(slug: str) -> Organisation:
    organisation = services.get_by_slug(slug)
    if organisation is None:
        abort(404)
    return organisation


def _admin_organisation(slug: str) -> Organisation:
    organisation = _organisation_or_404(slug)
    policy.require_role(current_user, organisation, "admin")
    return organisation


@bp.get("/")
@login_required
def mine():
    return render_template("orgs/mine.html", organisations=services.organisations_of(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(
                current_user, form.name.data, form.slug.data, form.description.data, form.website.data
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(f"{organisation.name} is ready. Invite your team next.", "success")
            return redirect_to(url_for("orgs.members", slug=organisation.slug))
    return render_template("orgs/new.html", form=form), 422 if form.errors else 200


@bp.route("/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    organisation = _admin_organisation(slug)
    form = OrganisationForm(obj=organisation)
    del form.slug  # the address is fixed once links to it exist
    if form.validate_on_submit():
        try:
            services.update_organisation(organisation, form.name.data, form.description.data, form.website.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash("Settings saved.", "success")
            return redirect_to(url_for("orgs.settings", slug=organisation.slug))
    return render_template("orgs/settings.html", organisation=organisation, form=form), 422 if form.errors else 200


@bp.route("/<slug>/members", methods=["GET", "POST"])
@login_required
def members(slug: str):
    """The member list; its form (POST) sends an invitation."""
    organisation = _admin_organisation(slug)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation = services.invite(current_user, organisation, form.email.data, form.roles.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(f"Invitation sent to {invitation.email}.", "success")
            return redirect_to(url_for("orgs.members", slug=slug))
    return render(
        "orgs/members.html",
        organisation=organisation,
        form=form,
        members=services.members(organisation),
        role_labels=ROLE_LABELS,
        invitations=services.pending_invitations(organisation),
        roles_form=RolesForm(),
        confirm_form=ConfirmForm(),
    ), 422 if form.errors else 200


def _membership_or_404(organisation: Organisation, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        abort(404)
    return membership


@bp.post("/<slug>/members/<int:membership_id>/roles")
@login_required
def change_roles(slug: str, membership_id: int):
    organisation = _admin_organisation(slug)
    membership = _membership_or_404(organisation, membership_id)
    form = RolesForm()
    if form.validate_on_submit():
        try:
            services.set_roles(current_user, membership, form.roles.data)
            flash(f"Roles of {membership.user.display_name} updated.", "success")
        except DomainError as error:
            flash(error.message, "error")
    else:
        flash("Choose valid roles.", "error")
    return redirect_to(url_for("orgs.members", slug=slug))


@bp.post("/<slug>/members/<int:membership_id>/remove")
@login_required
def remove_member(slug: str, membership_id: int):
    organisation = _admin_organisation(slug)
    membership = _membership_or_404(organisation, membership_id)
    name = membership.user.display_name  # the membership is gone afterwards
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_member(current_user, membership)
            flash(f"{name} is no longer a member.", "success")
        except DomainError as error:
            flash(error.message, "error")
    return redirect_to(url_for("orgs.members", slug=slug))


@bp.post("/<slug>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(slug: str, invitation_id: int):
    organisation = _admin_organisation(slug)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.revoke_invitation(current_user, invitation)
        flash(f"The invitation to {invitation.email} is withdrawn.", "success")
    return redirect_to(url_for("orgs.members", slug=slug))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """Anyone with the link sees whom it invites; accepting needs the invited account."""
    try:
        invitation = services.invitation_for_token(token)
    except DomainError as error:
        return render_template("orgs/invitation_invalid.html", message=error.message), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        if not current_user.is_authenticated:
            return redirect_to(url_for("auth.login", next=url_for("orgs.invitation", token=token)))
        try:
            services.accept_invitation(current_user, token)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"Welcome to {invitation.organisation.name}.", "success")
            return redirect_to(url_for("main.organisation", slug=invitation.organisation.slug))
    return render_template("orgs/invitation.html", invitation=invitation, form=form, role_labels=ROLE_LABELS)
