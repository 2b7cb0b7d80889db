from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

EMAIL = [DataRequired(message="Enter your email address."), Length(max=254)]
NEW_PASSWORD = [DataRequired(message="Choose a password."), Length(max=256)]


class SignupForm(FlaskForm):
    display_name = StringField("Your name", [DataRequired(message="Enter your name."), Length(max=80)])
    email = EmailField("Email", EMAIL)
    password = PasswordField("Password", NEW_PASSWORD)


class LoginForm(FlaskForm):
    email = EmailField("Email", EMAIL)
    password = PasswordField("Password", [DataRequired(message="Enter your password."), Length(max=256)])
    remember = BooleanField("Keep me signed in on this device")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", EMAIL)


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", NEW_PASSWORD)
    confirm = PasswordField(
        "Repeat the new password",
        [DataRequired(message="Repeat the password."), EqualTo("password", message="The two passwords differ.")],
    )


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: a button that changes state by POST."""
