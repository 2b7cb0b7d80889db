"""Money pages: funding a challenge, the webhook, solvers' payout accounts and earnings, an
organisation's billing page and the site admin's overview."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.errors_domain import DomainError
from app.extensions import csrf, db, limiter
from app.orgs import policy as org_policy
from app.orgs.services import get_by_slug
from app.web import act, redirect_to, render
from challenges import policy
from challenges.models import State
from challenges.payments import connect, funding, gateway, payouts, refunds, reports, settle, webhooks
from challenges.payments.models import Payout, Refund, RefundState

bp = Blueprint("payments", __name__)
log = logging.getLogger(__name__)


# -- funding -----------------------------------------------------------------------------------------


@bp.get("/challenges/<int:challenge_id>/fund")
@login_required
def fund(challenge_id: int):
    challenge = policy.managed_challenge_or_404(current_user, challenge_id)
    return _stripe_forms(
        render(
            "payments/fund.html",
            challenge=challenge,
            quote=funding.quote(challenge),
            payment=funding.latest_payment(challenge),
            states=State,
        )
    )


@bp.post("/challenges/<int:challenge_id>/fund")
@login_required
def start_funding(challenge_id: int):
    challenge = policy.managed_challenge_or_404(current_user, challenge_id)
    back = url_for("payments.fund", challenge_id=challenge.id, _external=True)
    done = url_for("payments.funding_return", challenge_id=challenge.id, _external=True)
    try:
        url = funding.start_checkout(current_user, challenge, done + "?session_id={CHECKOUT_SESSION_ID}", back)
    except DomainError as error:
        flash(error.message, "error")
        return redirect_to(url_for("payments.fund", challenge_id=challenge.id))
    except (gateway.StripeError, gateway.NotConfigured) as error:
        log.warning("checkout for challenge %s failed: %s", challenge.id, error, extra={"challenge_id": challenge.id})
        flash("The payment page could not be opened just now; nothing was charged. Try again shortly.", "error")
        return redirect_to(url_for("payments.fund", challenge_id=challenge.id))
    return _away(url)


def _away(url: str):
    return redirect_to(url)


def _stripe_forms(response):
    """Browsers check a form's redirect against the submitting page's CSP `form-action`: pages
    whose buttons lead to Stripe's hosted pages allow Stripe's origins there."""
    from app.security import CSP

    response.headers["Content-Security-Policy"] = CSP.replace(
        "form-action 'self'", "form-action 'self' " + " ".join(gateway.hosted_origins())
    )
    return response


@bp.get("/challenges/<int:challenge_id>/fund/return")
@login_required
def funding_return(challenge_id: int):
    """Where Checkout sends the payer back: shows progress only; the webhook opens the challenge."""
    challenge = policy.managed_challenge_or_404(current_user, challenge_id)
    return render(
        "payments/funding_return.html",
        partial="payments/_funding_status.html",
        challenge=challenge,
        payment=funding.latest_payment(challenge),
        states=State,
    )


# -- webhook -----------------------------------------------------------------------------------------


@bp.post("/payments/webhook")
@csrf.exempt
@limiter.exempt
def webhook():
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        abort(404)
    try:
        event = gateway.construct_event(request.get_data(), request.headers.get("Stripe-Signature"), secret)
    except (gateway.SignatureError, ValueError):
        return {"error": "invalid signature or payload"}, 400
    try:
        outcome = webhooks.receive(event)
    except Exception:
        log.exception("webhook %s (%s) failed", event.id, event.type, extra=webhooks.event_ids(event))
        return {"error": "not applied; retry"}, 500
    return {"received": True, "outcome": outcome}, 200


# -- solvers ------------------------------------------------------------------------------------------


@bp.get("/earnings")
@login_required
def earnings():
    return _stripe_forms(
        render("payments/earnings.html", account=connect.account_of(current_user), **reports.earnings(current_user.id))
    )


def _connect_urls() -> tuple[str, str]:
    return (url_for("payments.connect_refresh", _external=True), url_for("payments.connect_return", _external=True))


@bp.post("/earnings/connect")
@login_required
def connect_start():
    try:
        return _away(connect.onboarding_link(current_user, *_connect_urls()))
    except (gateway.StripeError, gateway.NotConfigured) as error:
        log.warning(
            "onboarding link for user %s failed: %s", current_user.id, error, extra={"user_id": current_user.id}
        )
        flash("Stripe could not be reached; try connecting your payout account again shortly.", "error")
        return redirect_to(url_for("payments.earnings"))


@bp.get("/earnings/connect/refresh")
@login_required
def connect_refresh():
    """A used or expired onboarding link comes back here: make a new one."""
    if connect.account_of(current_user) is None:
        return redirect(url_for("payments.earnings"))
    return redirect(connect.onboarding_link(current_user, *_connect_urls()))


@bp.get("/earnings/connect/return")
@login_required
def connect_return():
    account = connect.account_of(current_user)
    if account is not None:
        account = connect.refresh(account.account_id)
        if account.payouts_enabled:
            settle.pay_user(current_user.id)
            flash("Your payout account is connected: awards are paid to it.", "success")
        else:
            flash("Stripe still needs some details before you can be paid; continue when ready.", "info")
    return redirect(url_for("payments.earnings"))


@bp.post("/payouts/<int:payout_id>/retry")
@login_required
def retry_payout(payout_id: int):
    return _retry(
        db.session.get(Payout, payout_id),
        payouts,
        lambda payout: (f"Payout {payout.id}: {payout.state.replace('_', ' ')}. {payout.message}".strip(), "info"),
    )


_REFUND_OUTCOMES = {
    RefundState.SUCCEEDED: ("The refund has been made.", "success"),
    RefundState.PENDING: ("Stripe could not be reached; the refund will be tried again.", "info"),
}


@bp.post("/refunds/<int:refund_id>/retry")
@login_required
def retry_refund(refund_id: int):
    return _retry(
        db.session.get(Refund, refund_id),
        refunds,
        lambda refund: _REFUND_OUTCOMES.get(
            refund.state, (f"Stripe refused the refund again: {refund.message}", "error")
        ),
    )


def _retry(row, service, outcome):
    """Another attempt at a payout or a refund (`service.can_retry`, `service.retry`), told as
    `outcome(row)` gives it; back to the page the button was on."""
    if row is None or not service.can_retry(current_user, row):
        abort(404)
    back = request.referrer if _local(request.referrer) else url_for("payments.earnings")
    return act(lambda: service.retry(current_user, row), outcome, back)


def _local(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


# -- organisations and site admins -------------------------------------------------------------


@bp.get("/orgs/<slug>/billing")
@login_required
def billing(slug: str):
    organisation = get_by_slug(slug)
    if organisation is None or org_policy.membership_of(current_user, organisation) is None:
        abort(404)
    if not policy.can_post(current_user, organisation):
        abort(403, "Only the organisation's admins and product managers can see its billing.")
    return render("payments/billing.html", organisation=organisation, **reports.billing(organisation.id))


@bp.get("/admin/money")
@login_required
def overview():
    if not current_user.is_site_admin:
        abort(404)
    return render("payments/overview.html", **reports.overview())


@bp.context_processor
def _money():
    from challenges.money import format_money

    return {"format_money": format_money}


@bp.app_template_global("latest_funding_payment")
def _latest_funding_payment(challenge):
    """For the challenge page's funding panel: the last checkout and what became of it."""
    return funding.latest_payment(challenge)
