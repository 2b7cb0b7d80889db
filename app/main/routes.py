"""The home page and the health check."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import select, text

from app.clock import utcnow
from app.extensions import db, limiter
from app.main import bp
from app.orgs.models import Organisation


@bp.get("/")
def home():
    from challenges.services.listing import open_challenges
    from ideas.services.home import featured_boards

    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.name).limit(12)))
    return render_template(
        "main/home.html",
        organisations=organisations,
        featured=featured_boards(current_user),
        open_challenges=open_challenges(),
        now=utcnow(),
    )


@bp.get("/healthz")
@limiter.exempt
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
