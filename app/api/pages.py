"""HTML pages: the API reference (public) and the personal access token settings."""

from __future__ import annotations

from flask import current_app, flash, render_template, url_for
from flask_login import current_user, login_required

from app.api import pages_bp as bp
from app.api import reference, services
from app.api.forms import CreateTokenForm
from app.api.openapi import document_for
from app.auth.forms import ConfirmForm
from app.errors_domain import DomainError
from app.forms import apply_errors
from app.once import keep_once, take_once
from app.web import redirect_to


@bp.get("/api/docs")
def api_reference():
    document = document_for(current_app)
    return render_template(
        "api/reference.html",
        document=document,
        intro=reference.paragraphs(document["info"]["description"]),
        inline=reference.inline,
        operations=reference.operations(document),
        schemas=reference.schemas(document),
    )


def _tokens_page(form: CreateTokenForm, new_secret: str | None = None, status: int = 200):
    user = current_user._get_current_object()
    response = current_app.make_response(
        (
            render_template("api/tokens.html", form=form, tokens=services.active_tokens(user), new_secret=new_secret),
            status,
        )
    )
    if new_secret:
        # The secret is in this page and nowhere else: no cache may keep a copy.
        response.headers["Cache-Control"] = "no-store"
    return response


NEW_TOKEN = "api-token"


@bp.get("/settings/tokens")
@login_required
def tokens():
    """The token list; right after creating one, its secret, once (reloading finds it gone)."""
    return _tokens_page(CreateTokenForm(), new_secret=take_once(NEW_TOKEN, current_user.id))


@bp.post("/settings/tokens")
@login_required
def create_token():
    form = CreateTokenForm()
    if form.validate_on_submit():
        try:
            _token, secret = services.create_token(current_user._get_current_object(), form.name.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            # Post/redirect/get: the secret waits, sealed, in the session for the one page showing it.
            keep_once(NEW_TOKEN, current_user.id, secret)
            return redirect_to(url_for("api_pages.tokens"))
    return _tokens_page(form, status=422)


@bp.post("/settings/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if ConfirmForm().validate_on_submit():
        token = services.revoke_token(current_user._get_current_object(), token_id)
        flash(f"Token “{token.name}” revoked; programs using it are now refused.", "success")
    return redirect_to(url_for("api_pages.tokens"))
