"""A member's own settings (profile, password, signed-in sessions) and public profiles."""

from __future__ import annotations

import contextlib

from flask import abort, current_app, flash, render_template, url_for
from flask_login import current_user, login_required

from app.accounts import bp
from app.accounts.forms import ChangePasswordForm, ProfileForm
from app.auth import emails, services
from app.auth.forms import ConfirmForm
from app.auth.models import User
from app.errors_domain import DomainError
from app.extensions import db
from app.forms import apply_errors
from app.mail import MailError
from app.orgs.services import organisations_of
from app.web import redirect_to


@bp.get("/people/<int:user_id>")
def profile(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        abort(404)
    return render_template("accounts/profile.html", person=user, organisations=organisations_of(user))


@bp.route("/settings/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, form.display_name.data, form.bio.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash("Profile saved.", "success")
            return redirect_to(url_for("accounts.edit_profile"))
    return render_template("accounts/settings_profile.html", form=form), 422 if form.errors else 200


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                keep_session_id=current_user.auth_session_id,
                revoke_api_tokens=form.revoke_api_tokens.data,
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            with contextlib.suppress(MailError):  # the change stands; the notice is a courtesy
                emails.send_password_changed(current_user)
            revoked = " and your personal API tokens revoked" if form.revoke_api_tokens.data else ""
            flash(f"Password changed. Your other sessions have been signed out{revoked}.", "success")
            return redirect_to(url_for("accounts.change_password"))
    return render_template("accounts/settings_password.html", form=form), 422 if form.errors else 200


@bp.get("/settings/sessions")
@login_required
def sessions():
    return render_template(
        "accounts/settings_sessions.html",
        sessions=services.live_sessions(current_user),
        current_id=current_user.auth_session_id,
        form=ConfirmForm(),
        idle_hours=current_app.config["SESSION_IDLE_HOURS"],
        remembered_days=current_app.config["REMEMBERED_SESSION_IDLE_DAYS"],
        max_age_days=current_app.config["SESSION_MAX_AGE_DAYS"],
    )


@bp.post("/settings/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    if ConfirmForm().validate_on_submit():
        if services.end_session_by_id(current_user, session_id):
            flash("That session is signed out.", "success")
        else:
            abort(404)
    return redirect_to(url_for("accounts.sessions"))


@bp.post("/settings/sessions/end-others")
@login_required
def end_other_sessions():
    if ConfirmForm().validate_on_submit():
        count = services.end_other_sessions(current_user, current_user.auth_session_id)
        flash(f"Signed out of {count} other session{'s' if count != 1 else ''}.", "success")
    return redirect_to(url_for("accounts.sessions"))
