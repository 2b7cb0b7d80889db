"""The home page and the health check."""
from flask import render_template
from flask_login import current_user
from sqlalchemy import select, text

from app.extensions import db, limiter
from app.main import bp
from app.orgs.models import Organisation


@bp.get("/")
def home():
    from ideas.services.home import featured_boards

    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.name).limit(12)))
    return render_template("main/home.html", organisations=organisations,
                           featured=featured_boards(current_user))


@bp.get("/healthz")
@limiter.exempt
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
