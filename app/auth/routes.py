"""Sign up, sign in and out, password reset, email verification."""

from __future__ import annotations

from flask import current_app, flash, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from app import audit
from app.auth import bp, emails, services, tokens
from app.auth.forms import ConfirmForm, ForgotPasswordForm, LoginForm, ResetPasswordForm, SignupForm
from app.errors import retry_after
from app.errors_domain import DomainError
from app.extensions import limiter
from app.forms import apply_errors, validate_all
from app.mail import MailError
from app.web import redirect_to, safe_next

ip_key = lambda: f"ip:{request.remote_addr}"
CHECK_INBOX = "Check your inbox: we have sent you a link to confirm your email address."
SIGNUP_SENT = "Check your inbox: open the link we sent to confirm your address and finish signing up."
RESET_SENT = (
    "If an account exists for that address, we have sent it a link to reset the password. "
    "The link works once and expires in an hour."
)


def _sign_in(user, remember: bool) -> None:
    """A fresh session for every sign-in: nothing from before it survives."""
    session.clear()
    services.start_session(
        user, remember=remember, user_agent=request.user_agent.string, ip_address=request.remote_addr or ""
    )
    login_user(user, remember=remember)
    generate_csrf()


def _send_quietly(send, user) -> None:
    """Mail that must not reveal anything (or fail the request) when delivery fails."""
    try:
        send(user)
    except MailError:
        current_app.logger.warning("mail delivery failed; the user can ask again")


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNUP"], methods=["POST"], key_func=ip_key)
def signup():
    if current_user.is_authenticated:
        return redirect_to(url_for("main.home"))
    form = SignupForm()
    if validate_all(
        form, lambda: services.check_registration(form.email.data, form.password.data, form.display_name.data)
    ):
        try:
            result = services.register(form.email.data, form.password.data, form.display_name.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            # Both cases answer alike, so sign-up reveals nothing about which addresses exist;
            # a new account is signed in when its owner confirms the emailed link.
            next_path = safe_next(request.args.get("next")) if request.args.get("next") else None
            if result.created:
                _send_quietly(lambda user: emails.send_verification(user, next_path), result.user)
            else:
                _send_quietly(emails.send_already_registered, result.user)
            flash(SIGNUP_SENT, "success")
            return redirect_to(url_for("auth.check_inbox"))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


@bp.get("/signup/check-inbox")
def check_inbox():
    return render_template("auth/check_inbox.html")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"], key_func=ip_key)
def login():
    if current_user.is_authenticated:
        return redirect_to(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.LoginLocked as error:
            form.form_errors.append(error.message)
            return render_template("auth/login.html", form=form), 429, retry_after(error.retry_after)
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            _sign_in(user, remember=bool(form.remember.data))
            flash(f"Welcome back, {user.display_name}.", "success")
            return redirect_to(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 401 if form.errors else 200


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_session(current_user.get_id())
        audit.event("auth.logout", user_id=current_user.id)
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect_to(url_for("main.home"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET"], methods=["POST"], key_func=ip_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None and user.active:
            _send_quietly(emails.send_password_reset, user)
        audit.event("auth.reset_requested", email=audit.email_fingerprint(form.email.data))
        flash(RESET_SENT, "info")
        return redirect_to(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET"], methods=["POST"], key_func=ip_key)
def reset_password(token: str):
    try:
        user = services.user_for_reset_token(token)
    except tokens.InvalidToken as error:
        return render_template("auth/link_invalid.html", message=str(error)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except tokens.InvalidToken as error:
            return render_template("auth/link_invalid.html", message=str(error)), 400
        except DomainError as error:
            apply_errors(form, error)
        else:
            if current_user.is_authenticated:
                logout_user()
            _sign_in(user, remember=False)
            _send_quietly(emails.send_password_changed, user)
            flash(
                "Your password has been changed, every other session signed out and your personal API "
                "tokens revoked (make new ones under Settings → API tokens).",
                "success",
            )
            return redirect_to(url_for("main.home"))
    return render_template("auth/reset_password.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/verify-email/<token>", methods=["GET", "POST"])
def verify_email(token: str):
    """GET shows a button; only the POST verifies, so a mail scanner that follows links
    changes nothing."""
    try:
        user = services.user_for_verify_token(token)
    except tokens.InvalidToken as error:
        return render_template("auth/link_invalid.html", message=str(error)), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        first_time = not user.email_verified
        services.verify_email(token)
        # The first confirmation finishes sign-up and signs the new member in; a link used
        # again later only confirms, it is not a way in.
        if first_time and not (current_user.is_authenticated and current_user.id == user.id):
            logout_user()
            _sign_in(user, remember=False)
        flash("Thank you: your email address is confirmed.", "success")
        return redirect_to(safe_next(request.args.get("next")))
    return render_template("auth/verify_email.html", form=form, user=user)


@bp.post("/verify-email/resend")
@login_required
@limiter.limit("3 per 10 minutes")
def resend_verification():
    if current_user.email_verified:
        flash("Your email address is already confirmed.", "info")
    else:
        _send_quietly(emails.send_verification, current_user)
        flash(CHECK_INBOX, "success")
    return redirect_to(safe_next(request.form.get("next")))
