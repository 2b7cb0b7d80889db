"""The vote widget: a real form that htmx upgrades to an in-place update."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select

from app.errors_domain import DomainError
from app.extensions import db, htmx
from app.web import fragment, redirect_to, refuse_beside, render, safe_next, with_anchor
from ideas import policy
from ideas.forms import ProxyVoteForm
from ideas.models import Board, Idea
from ideas.services import votes
from voting import bp, services
from voting.demand import services as demand


@bp.post("/ideas/<int:idea_id>/vote")
@login_required
def vote(idea_id: int):
    """`value` 1 or -1 casts (or switches) the vote, 0 retracts it. A refusal is shown in the
    widget: htmx gets the widget again with the message (and the refusal's status); a browser
    goes back to the row with the message kept beside it."""
    idea = _idea_with_board_or_404(idea_id)
    raw = request.form.get("value", "")
    if raw not in ("1", "-1", "0"):
        abort(400, "A vote is 1, -1 or 0 (to take it back).")
    context = "page" if request.form.get("context") == "page" else "list"
    back = _back_to(idea, request.form.get("next"), context)
    try:
        if raw == "0":
            result = services.retract_vote(current_user, idea)
        else:
            result = services.cast_vote(current_user, idea, int(raw))
    except DomainError as error:
        if not htmx:
            refuse_beside(f"vote-{idea_id}", error.message)
            return redirect_to(back)
        response = _widget_answer(
            idea, votes.my_vote(current_user, idea), services.remaining_votes(current_user, idea.board), context, error
        )
        response.status_code = error.status
        return response
    if htmx:
        return _widget_answer(result.idea, result.my_vote, result.remaining, context)
    return redirect_to(back)


def _widget_answer(idea: Idea, my_vote: int, remaining: int | None, context: str, error: DomainError | None = None):
    values = dict(
        idea=idea,
        my_vote=my_vote,
        remaining=remaining,
        board=idea.board,
        vote_context=context,
        vote_error=error.message if error else None,
    )
    if htmx.boosted:  # as render() answers a boosted request: the widget template itself
        return render("voting/_widget.html", **values)
    return fragment("voting/_vote_response.html", **values)


def _back_to(idea: Idea, next_path: str | None, context: str) -> str:
    """The page the vote came from, at the idea's row (or its widget on the idea's page)."""
    page = safe_next(next_path, url_for("ideas.show", idea_id=idea.id))
    return with_anchor(page, f"vote-{idea.id}" if context == "page" else f"idea-row-{idea.id}")


@bp.get("/ideas/<int:idea_id>/vote")
@login_required
def confirm_vote(idea_id: int):
    """The vote a visitor chose before signing in (or up), offered again: a GET only shows it,
    the button posts it (with its CSRF token) to `vote` above, which brings them back to the
    row (`back`). Sign-in starts a fresh session, so the intent travels in the address."""
    idea = _idea_with_board_or_404(idea_id)
    value = -1 if request.args.get("value") == "-1" else 1
    back = safe_next(request.args.get("back"), url_for("ideas.show", idea_id=idea.id))
    context = "page" if back.split("?")[0].split("#")[0] == url_for("ideas.show", idea_id=idea.id) else "list"
    my_vote = votes.my_vote(current_user, idea)
    return render(
        "voting/confirm.html",
        idea=idea,
        board=idea.board,
        value=value,
        my_vote=my_vote,
        refusal=None if my_vote == value else services.why_not(current_user, idea, value, my_vote),
        remaining=services.remaining_votes(current_user, idea.board),
        next_path=back,
        back=_back_to(idea, back, context),
        vote_context=context,
    )


# idea_or_404's lookup with the board in the same query (every vote checks the board), built
# once. Both come as entities of the row rather than through joinedload, whose eager-loading
# machinery cost more than the query; idea.board then finds the board in the identity map.
_IDEA_AND_BOARD = select(Idea, Board).join(Board, Idea.board_id == Board.id).where(Idea.id == bindparam("idea_id"))


def _idea_with_board_or_404(idea_id: int) -> Idea:
    row = db.session.execute(_IDEA_AND_BOARD, {"idea_id": idea_id}).first()
    if row is None or not policy.can_see_idea(current_user, row[0]):
        abort(404)
    return row[0]


def _managed_idea_or_404(idea_id: int) -> Idea:
    """404 for those who may not see the idea; 403 for those who see it but do not manage it."""
    idea = policy.idea_or_404(current_user, idea_id)
    policy.require_manage(current_user, idea.board)
    return idea


@bp.get("/ideas/<int:idea_id>/proxy-vote/people")
@login_required
def proxy_people(idea_id: int):
    """People of the idea's organisation matching `q`, each with their segment: the suggestions
    htmx shows as the product manager types, or a page of them without JavaScript."""
    idea = _managed_idea_or_404(idea_id)
    query = (request.args.get("q") or "")[:100]
    people = demand.find_people(idea.board.organisation, query)
    return render(
        "voting/proxy_people.html",
        partial="voting/_proxy_people.html",
        idea=idea,
        people=people,
        query=query,
        proxy_form=ProxyVoteForm(),
    )


@bp.post("/ideas/<int:idea_id>/proxy-vote")
@login_required
def proxy_vote(idea_id: int):
    """A product manager records a customer's vote (from a call or an email)."""
    idea = _managed_idea_or_404(idea_id)
    form = ProxyVoteForm()
    if form.validate_on_submit():
        chosen = form.customer_id.data
        person = demand.known_person(idea.board.organisation, chosen) if chosen else None
        email = person.email if person else (form.email.data or "").strip()
        try:
            if chosen and person is None:
                raise DomainError("Choose someone among the suggestions.")
            if not email:
                raise DomainError("Choose a customer among the suggestions, or enter their email address.")
            services.record_proxy_vote(
                current_user,
                idea,
                email,
                form.note.data,
                new_customer=bool(form.new_customer.data) and person is None,
                confirm_email=form.confirm_email.data or "",
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"Vote recorded for {person.display_name if person else email}.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors) or "Check the form.", "error")
    return redirect_to(url_for("ideas.show", idea_id=idea_id) + "#proxy-votes")
