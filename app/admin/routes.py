"""Site administration: users and organisations. Site administrators only; others get 404."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from app import audit
from app.admin import bp
from app.auth import services as auth_services
from app.auth.forms import ConfirmForm
from app.auth.models import User
from app.clock import utcnow
from app.errors_domain import DomainError
from app.extensions import db
from app.orgs.models import Membership, Organisation
from app.web import redirect_to

PAGE_SIZE = 50


@bp.before_request
@login_required
def require_site_admin():
    if not current_user.is_site_admin:
        audit.event("authz.denied", user_id=current_user.id, reason="not a site admin")
        abort(404)


@bp.get("/")
def index():
    return redirect_to(url_for("admin.users"))


@bp.get("/users")
def users():
    q = (request.args.get("q") or "").strip()
    query = select(User).order_by(User.created_at.desc(), User.id.desc()).limit(PAGE_SIZE)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(func.lower(User.email).like(like), func.lower(User.display_name).like(like)))
    return render_template("admin/users.html", users=list(db.session.scalars(query)), q=q, form=ConfirmForm())


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            auth_services.set_active(current_user, user, request.form.get("active") == "1")
            flash(f"{user.email} is now {'active' if user.active else 'deactivated'}.", "success")
        except DomainError as error:
            flash(error.message, "error")
    return redirect_to(url_for("admin.users", q=request.args.get("q", "")))


@bp.post("/users/<int:user_id>/site-admin")
def set_site_admin(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            auth_services.set_site_admin(current_user, user, request.form.get("site_admin") == "1")
            flash(f"Administrator rights of {user.email} updated.", "success")
        except DomainError as error:
            flash(error.message, "error")
    return redirect_to(url_for("admin.users"))


@bp.get("/organisations")
def organisations():
    counts = (
        select(Membership.organisation_id, func.count().label("members"))
        .group_by(Membership.organisation_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Organisation, func.coalesce(counts.c.members, 0))
        .outerjoin(counts, counts.c.organisation_id == Organisation.id)
        .order_by(Organisation.name)
    ).all()
    return render_template("admin/organisations.html", rows=rows)


@bp.get("/jobs")
def jobs():
    """Background jobs that need an eye: failed (waiting for their next try, or dead: out of
    tries) and stuck (their runner stopped: the lease ended before the job finished)."""
    from app.jobs.models import Job, JobState

    now = utcnow()
    needing_attention = list(
        db.session.scalars(
            select(Job)
            .where(
                or_(
                    Job.state.in_((JobState.RETRYING, JobState.DEAD)),
                    (Job.state == JobState.RUNNING) & (Job.run_after <= now),
                )
            )
            .order_by(Job.id.desc())
            .limit(PAGE_SIZE)
        )
    )
    return render_template("admin/jobs.html", jobs=needing_attention, form=ConfirmForm())


@bp.post("/jobs/<int:job_id>/retry")
def retry_job(job_id: int):
    from app.jobs import retry_now

    if ConfirmForm().validate_on_submit():
        if retry_now(job_id):
            flash(f"Job {job_id} is queued again.", "success")
        else:
            flash(f"Job {job_id} is not waiting for a retry (it may have run already).", "warning")
    return redirect_to(url_for("admin.jobs"))
