"""The home page, an organisation's public page and the health check."""

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import select, text

from app.clock import utcnow
from app.extensions import db, limiter
from app.main import bp
from app.main.home import featured_boards, visible_boards
from app.orgs import policy as org_policy
from app.orgs.models import Organisation
from app.orgs.services import get_by_slug
from challenges.services.listing import open_challenges


@bp.get("/")
def home():
    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.name).limit(12)))
    return render_template(
        "main/home.html",
        organisations=organisations,
        featured=featured_boards(current_user),
        open_challenges=open_challenges(),
        now=utcnow(),
    )


@bp.get("/orgs/<slug>")
def organisation(slug: str):
    organisation = get_by_slug(slug)
    if organisation is None:
        abort(404)
    return render_template(
        "orgs/show.html",
        organisation=organisation,
        membership=org_policy.membership_of(current_user, organisation),
        boards=visible_boards(current_user, organisation),
        can_admin=org_policy.has_role(current_user, organisation, "admin"),
        can_manage_boards=org_policy.has_role(current_user, organisation, "pm"),
    )


@bp.get("/healthz")
@limiter.exempt
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
