from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", [DataRequired(message="Enter your name."), Length(max=80)])
    bio = TextAreaField("About you", [Optional(), Length(max=2000)], description="Shown on your public profile.")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", [DataRequired(message="Enter your current password.")])
    new_password = PasswordField("New password", [DataRequired(message="Choose a new password."), Length(max=256)])
    confirm = PasswordField(
        "Repeat the new password",
        [DataRequired(message="Repeat the password."), EqualTo("new_password", message="The two passwords differ.")],
    )
    revoke_api_tokens = BooleanField(
        "Also revoke my personal API tokens",
        description="Do this if someone else may have known the old password: scripts using the tokens stop working.",
    )
