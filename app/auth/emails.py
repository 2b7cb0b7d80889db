"""The mail the account flows send; links are absolute and signed."""

from app.auth import services
from app.auth.models import User
from app.mail import send_template
from app.urls import external_url


def send_verification(user: User, next_path: str | None = None) -> None:
    """`next_path` (a local page, such as an invitation) is where confirming leads."""
    extra = {"next": next_path} if next_path else {}
    link = external_url("auth.verify_email", token=services.make_verify_token(user), **extra)
    send_template(user.email, "Confirm your email address", "verify_email", user=user, link=link)


def send_already_registered(user: User) -> None:
    send_template(
        user.email,
        "You already have an account",
        "already_registered",
        user=user,
        login_link=external_url("auth.login"),
        reset_link=external_url("auth.forgot_password"),
    )


def send_password_reset(user: User) -> None:
    link = external_url("auth.reset_password", token=services.make_reset_token(user))
    send_template(user.email, "Reset your password", "reset_password", user=user, link=link)


def send_password_changed(user: User) -> None:
    send_template(
        user.email,
        "Your password was changed",
        "password_changed",
        user=user,
        reset_link=external_url("auth.forgot_password"),
    )
