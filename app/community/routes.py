"""Community pages of an organisation (leaderboard, health) and the template helpers that show
reputation beside names and on profiles: a reader of every feature's records."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request
from flask_login import current_user

from app.auth.models import User
from app.community import health, queries
from app.extensions import db
from app.orgs import policy as org_policy
from app.orgs import services as org_services
from app.reputation import levels, services
from app.reputation.points import REASONS

bp = Blueprint("community", __name__)


def _organisation_or_404(slug: str):
    organisation = org_services.get_by_slug(slug)
    if organisation is None:
        abort(404)
    return organisation


@bp.get("/orgs/<slug>/community/leaderboard")
def leaderboard(slug: str):
    organisation = _organisation_or_404(slug)
    period = "month" if request.args.get("period") == "month" else "all"
    return render_template(
        "reputation/leaderboard.html",
        organisation=organisation,
        period=period,
        rows=queries.leaderboard(organisation, period),
        levels=levels.LEVELS,
        can_see_health=org_policy.has_role(current_user, organisation, "pm"),
    )


@bp.get("/orgs/<slug>/community")
def community(slug: str):
    organisation = _organisation_or_404(slug)
    org_policy.require_role(current_user, organisation, "pm")
    return render_template(
        "reputation/health.html", organisation=organisation, health=health.community_health(organisation)
    )


@bp.app_template_global()
def reputation_badge(user: User) -> tuple[int, bool]:
    """(level number, Super Fan) for the name macro. The first call of a request loads every
    member the page has in memory at once; later names are answered from that."""
    cache = g.setdefault("reputation_badges", {})
    user_id = getattr(user, "id", None)
    if user_id is None:
        return (0, False)
    if user_id not in cache:
        ids = {key[1][0] for key in db.session.identity_map if key[0] is User} | {user_id}
        cache.update(services.summaries(ids - cache.keys()))
    return cache.get(user_id, (0, False))


@bp.app_template_global()
def level_named(number: int) -> levels.Level:
    return levels.by_number(number)


@bp.app_template_global()
def reputation_profile(user: User) -> dict:
    return {
        "standings": queries.standings(user),
        "history": queries.history(user),
        "badges": levels.BADGES,
        "reasons": REASONS,
    }
