"""Solvers' public records and the leaderboard."""

from __future__ import annotations

from flask import abort, render_template, request

from app.auth.models import User
from app.extensions import db
from challenges import bp, money
from challenges.services import profiles


@bp.get("/solvers/<int:user_id>")
def solver_profile(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        abort(404)
    return render_template(
        "challenges/solvers/profile.html", person=user, record=profiles.record(user), format_money=money.format_money
    )


@bp.get("/challenges/leaderboard")
def leaderboard():
    currency = request.args.get("currency", "usd").lower()
    if currency not in money.CURRENCIES:
        currency = "usd"
    return render_template(
        "challenges/solvers/leaderboard.html",
        rows=profiles.leaderboard(currency),
        currency=currency,
        currencies=list(money.CURRENCIES),
        format_money=money.format_money,
    )
