"""A member's own lists: ideas they posted, voted for, and follow."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from ideas import bp, policy
from ideas.models import Follow, Idea, Vote

LIMIT = 100


def _visible(ideas: list[Idea]) -> list[Idea]:
    # A board may have turned private, or the member may have lost access, since.
    return [idea for idea in ideas if policy.can_see_idea(current_user, idea)]


def _ideas(stmt) -> list[Idea]:
    return _visible(list(db.session.scalars(stmt.options(selectinload(Idea.board)).limit(LIMIT))))


@bp.get("/me/ideas")
@login_required
def my_ideas():
    ideas = _ideas(select(Idea).where(Idea.author_id == current_user.id).order_by(Idea.created_at.desc()))
    return render_template("ideas/mine.html", ideas=ideas, title="My ideas", tab="mine")


@bp.get("/me/votes")
@login_required
def my_votes():
    ideas = _ideas(
        select(Idea)
        .join(Vote, Vote.idea_id == Idea.id)
        .where(Vote.user_id == current_user.id)
        .order_by(Vote.created_at.desc())
    )
    return render_template("ideas/mine.html", ideas=ideas, title="Ideas I voted for", tab="votes")


@bp.get("/me/following")
@login_required
def following():
    ideas = _ideas(
        select(Idea)
        .join(Follow, Follow.idea_id == Idea.id)
        .where(Follow.user_id == current_user.id)
        .order_by(Idea.last_activity_at.desc())
    )
    return render_template("ideas/mine.html", ideas=ideas, title="Ideas I follow", tab="following")
