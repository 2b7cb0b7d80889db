"""Organisation admins' webhook pages: list, create, edit, delete, rotate the secret, send a
test (its result swapped in by htmx), the delivery log with every attempt, redeliver."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.forms import ConfirmForm
from app.errors_domain import DomainError
from app.extensions import db, htmx
from app.forms import apply_errors
from app.once import keep_once, take_once
from app.orgs import policy
from app.orgs.models import Organisation
from app.orgs.services import get_by_slug
from app.web import redirect_to, render
from app.webhooks import bp, services
from app.webhooks.forms import EndpointForm
from app.webhooks.models import WebhookDelivery, WebhookEndpoint


def admin_organisation(slug: str) -> Organisation:
    """404 for outsiders, 403 for members who are not admins (app.orgs.policy)."""
    organisation = get_by_slug(slug)
    if organisation is None:
        abort(404)
    policy.require_role(current_user, organisation, "admin")
    return organisation


def endpoint_or_404(slug: str, endpoint_id: int) -> WebhookEndpoint:
    organisation = admin_organisation(slug)
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.organisation_id != organisation.id:
        abort(404)
    return endpoint


def _input(form: EndpointForm) -> services.EndpointInput:
    return services.EndpointInput(
        url=form.url.data or "",
        events=form.events.data or [],
        description=form.description.data or "",
        active=bool(form.active.data),
    )


SECRET = "webhook-secret"


def _show_secret_once(endpoint: WebhookEndpoint, secret: str, rotated: bool):
    """Post/redirect/get: the secret waits in the session for the page that shows it once."""
    keep_once(SECRET, endpoint.id, secret)
    return redirect_to(
        url_for("webhooks.secret", slug=endpoint.organisation.slug, endpoint_id=endpoint.id, rotated=int(rotated))
    )


@bp.get("/")
@login_required
def index(slug: str):
    organisation = admin_organisation(slug)
    endpoints = services.endpoints_of(organisation)
    return render_template(
        "webhooks/index.html",
        organisation=organisation,
        endpoints=endpoints,
        last_states={e.id: services.latest_state(e) for e in endpoints},
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    organisation = admin_organisation(slug)
    form = EndpointForm()
    if form.validate_on_submit():
        try:
            endpoint, secret = services.create_endpoint(current_user, organisation, _input(form))
        except DomainError as error:
            apply_errors(form, error)
        else:
            return _show_secret_once(endpoint, secret, rotated=False)
    return render_template(
        "webhooks/form.html", organisation=organisation, form=form, endpoint=None
    ), 422 if form.errors or form.form_errors else 200


@bp.get("/<int:endpoint_id>")
@login_required
def show(slug: str, endpoint_id: int):
    endpoint = endpoint_or_404(slug, endpoint_id)
    before = request.args.get("before", type=int)
    deliveries = services.deliveries_of(endpoint, before_id=before)
    return render(
        "webhooks/show.html",
        partial="webhooks/_deliveries.html",
        organisation=endpoint.organisation,
        endpoint=endpoint,
        deliveries=deliveries,
        form=ConfirmForm(),
        older=deliveries[-1].id if len(deliveries) == services.PAGE_SIZE else None,
    )


@bp.route("/<int:endpoint_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, endpoint_id: int):
    endpoint = endpoint_or_404(slug, endpoint_id)
    form = EndpointForm(obj=endpoint)
    if request.method == "GET":
        form.events.data = endpoint.event_list
    if form.validate_on_submit():
        try:
            services.update_endpoint(endpoint, _input(form))
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash("Webhook saved.", "success")
            return redirect_to(url_for("webhooks.show", slug=slug, endpoint_id=endpoint.id))
    return render_template(
        "webhooks/form.html", organisation=endpoint.organisation, form=form, endpoint=endpoint
    ), 422 if form.errors or form.form_errors else 200


@bp.post("/<int:endpoint_id>/delete")
@login_required
def delete(slug: str, endpoint_id: int):
    endpoint = endpoint_or_404(slug, endpoint_id)
    if ConfirmForm().validate_on_submit():
        services.delete_endpoint(endpoint)
        flash("Webhook deleted; nothing more will be sent to it.", "success")
    return redirect_to(url_for("webhooks.index", slug=slug))


@bp.post("/<int:endpoint_id>/rotate")
@login_required
def rotate(slug: str, endpoint_id: int):
    endpoint = endpoint_or_404(slug, endpoint_id)
    if not ConfirmForm().validate_on_submit():
        return redirect_to(url_for("webhooks.show", slug=slug, endpoint_id=endpoint_id))
    return _show_secret_once(endpoint, services.rotate_secret(endpoint), rotated=True)


@bp.get("/<int:endpoint_id>/secret")
@login_required
def secret(slug: str, endpoint_id: int):
    """The signing secret, once: reloading finds it gone (rotating gives a new one)."""
    endpoint = endpoint_or_404(slug, endpoint_id)
    value = take_once(SECRET, endpoint.id)
    if value is None:
        flash("The signing secret was shown once and is not shown again. Rotate it to get a new one.", "info")
        return redirect_to(url_for("webhooks.show", slug=slug, endpoint_id=endpoint.id))
    response = render(
        "webhooks/secret.html",
        organisation=endpoint.organisation,
        endpoint=endpoint,
        secret=value,
        rotated=request.args.get("rotated") == "1",
    )
    response.headers["Cache-Control"] = "no-store"  # the secret is shown once
    return response


@bp.post("/<int:endpoint_id>/test")
@login_required
def send_test(slug: str, endpoint_id: int):
    """htmx gets the result in place; without JavaScript it is flashed on the endpoint's page."""
    endpoint = endpoint_or_404(slug, endpoint_id)
    if not ConfirmForm().validate_on_submit():
        return redirect_to(url_for("webhooks.show", slug=slug, endpoint_id=endpoint_id))
    delivery = services.send_test(endpoint)
    attempt = delivery.attempts[-1] if delivery.attempts else None

    if htmx:
        return render(
            "webhooks/_test_result.html", partial="webhooks/_test_result.html", delivery=delivery, attempt=attempt
        )
    if attempt is not None and attempt.ok:
        flash(f"Test event delivered: your endpoint answered {attempt.status_code}.", "success")
    else:
        flash(
            "Test event not delivered: "
            + (
                f"your endpoint answered {attempt.status_code}."
                if attempt and attempt.status_code
                else (attempt.error if attempt else "nothing was sent.")
            ),
            "error",
        )
    return redirect_to(url_for("webhooks.show", slug=slug, endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver")
@login_required
def redeliver(slug: str, endpoint_id: int, delivery_id: int):
    endpoint = endpoint_or_404(slug, endpoint_id)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.redeliver(delivery)
        flash("Sent again: the new delivery is at the top of the log.", "success")
    return redirect_to(url_for("webhooks.show", slug=slug, endpoint_id=endpoint.id))
