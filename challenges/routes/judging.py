"""Judging and awards: the judges' ranked table and scorecards, the organisation's award page,
and the winner's own view of an award. Judges-only pages answer 404 to everyone else."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user

from app.errors_domain import DomainError
from app.extensions import db, htmx
from app.forms import apply_errors
from app.web import act, redirect_to, refuse_beside, render, with_anchor
from challenges import bp, money, policy
from challenges.forms.judging import FeedbackForm, NoWinnerForm, award_form, scorecard_form
from challenges.models import Award, AwardState, IPTerms, State
from challenges.services import awards, funding, judging


def _page(template: str, challenge, partial: str | None = None, status: int = 200, **context):
    response = render(
        template,
        partial=partial,
        challenge=challenge,
        format_money=money.format_money,
        State=State,
        AwardState=AwardState,
        **context,
    )
    response.status_code = status
    return response


@bp.app_context_processor
def _judging_panel():
    return {"judging_panel": panel}


def panel(challenge) -> dict | None:
    """What the challenge page's panel shows the organisation's members (None for anyone else)."""
    if not policy.is_org_member(current_user, challenge):
        return None
    manages = policy.can_manage(current_user, challenge)
    return {
        "judges": policy.can_judge(current_user, challenge),
        "manages": manages,
        "phase": challenge.phase(),
        "judging_open": judging.judging_open(challenge),
        "awards": awards.awards_of(challenge) if manages else [],
        "format_money": money.format_money,
        "AwardState": AwardState,
    }


# --------------------------------------------------------------------------- judges


def _chart(results) -> list[dict]:
    """A bar per submission: its whole label, and its weighted total as a share of 10 (the bar's
    width in the 0–100 units of its SVG, so the page needs no script or style attribute)."""
    return [
        {
            "label": f"#{r.rank} {r.submission.title}",
            "width": round((r.total or 0) * 10, 1),
            "total": r.total,
            "shortlisted": r.submission.shortlisted,
        }
        for r in results
    ]


@bp.get("/challenges/<int:challenge_id>/judging")
def judging_board(challenge_id: int):
    challenge = policy.judged_challenge_or_404(current_user, challenge_id)
    ranked = judging.results(challenge)
    shortlisted_only = request.args.get("shortlisted") == "1"
    shown = [r for r in ranked if r.submission.shortlisted] if shortlisted_only else ranked
    return _page(
        "challenges/judging/board.html",
        challenge,
        results=shown,
        total_count=len(ranked),
        shortlisted_only=shortlisted_only,
        chart=_chart(shown),
        criteria=challenge.criteria,
        judging_open=judging.judging_open(challenge),
        manages=policy.can_manage(current_user, challenge),
    )


def _judged_submission_or_404(submission_id: int):
    submission = policy.submission_or_404(current_user, submission_id)
    if not policy.can_judge(current_user, submission.challenge) or not submission.is_active:
        abort(404)  # the solver sees their own submission elsewhere; a withdrawn one is hidden from judges
    return submission


@bp.post("/submissions/<int:submission_id>/shortlist")
def shortlist(submission_id: int):
    submission = _judged_submission_or_404(submission_id)
    try:
        judging.set_shortlisted(current_user, submission, request.form.get("shortlisted") == "1")
    except DomainError as error:
        if htmx:
            abort(error.status, error.message)
        refuse_beside(f"shortlist-{submission_id}", error.message)
    if not htmx:
        board = url_for("challenges.judging_board", challenge_id=submission.challenge_id)
        return redirect_to(with_anchor(board, f"shortlist-{submission_id}"))
    submission = db.session.get(type(submission), submission_id)
    return render(
        "challenges/judging/_shortlist.html", partial="challenges/judging/_shortlist.html", submission=submission
    )


@bp.route("/submissions/<int:submission_id>/score", methods=["GET", "POST"])
def scorecard(submission_id: int):
    submission = _judged_submission_or_404(submission_id)
    challenge = submission.challenge
    mine = judging.scores_by(submission, current_user)
    form = scorecard_form(challenge.criteria, mine)
    status = 200
    if form.validate_on_submit():
        values, comments = form.values()
        try:
            judging.score(current_user, submission, values, comments)
        except DomainError as error:
            apply_errors(form, error)
            status = error.status
        else:
            flash("Your scorecard is saved.", "success")
            return redirect_to(url_for("challenges.scorecard", submission_id=submission_id))
    elif form.errors:
        status = 422
    return _page(
        "challenges/judging/scorecard.html",
        challenge,
        status=status,
        submission=submission,
        form=form,
        scored=bool(mine),
        others=judging.other_scores(submission, current_user) if mine else {},
        criteria=challenge.criteria,
        feedback_form=FeedbackForm(feedback=submission.feedback),
        judging_open=judging.judging_open(challenge),
    )


@bp.post("/submissions/<int:submission_id>/feedback")
def feedback(submission_id: int):
    submission = _judged_submission_or_404(submission_id)
    form = FeedbackForm()
    if not form.validate_on_submit():
        flash(" ".join(form.feedback.errors) or "The feedback could not be saved.", "error")
    else:
        try:
            judging.set_feedback(current_user, submission, form.feedback.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("Feedback saved: the solver sees it with their submission.", "success")
    return redirect_to(url_for("challenges.scorecard", submission_id=submission_id) + "#feedback")


# --------------------------------------------------------------------------- awards (organisation)


def _award_page(challenge, form=None, no_winner_form=None, confirm=None, status: int = 200):
    ranked = judging.results(challenge)
    made = awards.awards_of(challenge)
    if form is None:
        form = award_form(ranked, challenge.currency, None if made else awards.suggested_allocation(challenge, ranked))
    return _page(
        "challenges/judging/award.html",
        challenge,
        status=status,
        results=ranked,
        form=form,
        no_winner_form=no_winner_form or NoWinnerForm(),
        awards=made,
        confirm=confirm,
        can_award=challenge.phase() in (State.CLOSED, State.JUDGING),
        can_see_titles=policy.can_judge(current_user, challenge),
        refundable=funding.refundable_amount(challenge),
        awarded=funding.awarded_amount(challenge),
        held=funding.held_amount(challenge),
        can_pass=awards.can_pass,
        award_phase=awards.phase,
        shares=[p.percent for p in challenge.prizes],
    )


@bp.route("/challenges/<int:challenge_id>/award", methods=["GET", "POST"])
def award_page(challenge_id: int):
    """Choose winners (a confirmation step shows what will be given before anything is written)."""
    challenge = policy.managed_challenge_or_404(current_user, challenge_id)
    if request.method == "GET":
        return _award_page(challenge)
    form = award_form(judging.results(challenge), challenge.currency)
    if not form.validate_on_submit():
        return _award_page(challenge, form=form, status=422)
    try:
        allocations = form.allocations()
        if request.form.get("confirmed") != "1":
            plan = awards.preview(current_user, challenge, allocations)
            return _award_page(challenge, form=form, confirm=plan)
        made = awards.award(current_user, challenge, allocations)
    except DomainError as error:
        apply_errors(form, error)
        return _award_page(challenge, form=form, status=error.status)
    pending = sum(1 for a in made if a.state == AwardState.OFFERED)
    flash(
        f"Awarded {len(made)} prize{'s' if len(made) != 1 else ''}."
        + (f" {pending} winner{'s' if pending != 1 else ''} must accept the assignment first." if pending else ""),
        "success",
    )
    return redirect_to(url_for("challenges.award_page", challenge_id=challenge_id))


@bp.post("/challenges/<int:challenge_id>/no-winner")
def no_winner(challenge_id: int):
    challenge = policy.managed_challenge_or_404(current_user, challenge_id)
    form = NoWinnerForm()
    if form.validate_on_submit():
        try:
            awards.declare_no_winner(current_user, challenge, form.reason.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash("The challenge is closed without a winner; the funded reward will be refunded.", "success")
            return redirect_to(url_for("challenges.award_page", challenge_id=challenge_id))
    return _award_page(challenge, no_winner_form=form, status=422)


def _managed_award_or_404(award_id: int) -> Award:
    award = db.session.get(Award, award_id)
    if award is None:
        abort(404)
    policy.managed_challenge_or_404(current_user, award.challenge_id)
    return award


@bp.post("/awards/<int:award_id>/pass")
def pass_award(award_id: int):
    award = _managed_award_or_404(award_id)
    try:
        _old, new = awards.pass_award(current_user, award)
    except DomainError as error:
        flash(error.message, "error")
    else:
        if new is None:
            flash("No ranked submission is left without an award: this amount will be refunded.", "info")
        else:
            flash(f"The award passed to {new.solver.display_name}.", "success")
    return redirect_to(url_for("challenges.award_page", challenge_id=award.challenge_id))


@bp.post("/awards/<int:award_id>/release")
def release_award(award_id: int):
    award = _managed_award_or_404(award_id)
    try:
        awards.release_award(current_user, award)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash("This award will not be passed on: its amount will be refunded.", "success")
    return redirect_to(url_for("challenges.award_page", challenge_id=award.challenge_id))


# --------------------------------------------------------------------------- the winner


def _my_award_or_404(award_id: int) -> Award:
    award = db.session.get(Award, award_id)
    if award is None or not policy.signed_in(current_user) or award.solver_id != current_user.id:
        abort(404)
    return award


@bp.get("/awards/<int:award_id>")
def award_view(award_id: int):
    award = _my_award_or_404(award_id)
    return _page(
        "challenges/judging/award_view.html",
        award.challenge,
        award=award,
        phase=awards.phase(award),
        ip_label=IPTerms.LABELS[award.challenge.ip_terms],
        ip_text=IPTerms.TEXT[award.challenge.ip_terms],
    )


def _answer(award_id: int, action, done: str):
    award = _my_award_or_404(award_id)
    return act(lambda: action(current_user, award), done, url_for("challenges.award_view", award_id=award_id))


@bp.post("/awards/<int:award_id>/accept")
def accept_award(award_id: int):
    return _answer(award_id, awards.accept_award, "You accepted the award. Payment follows.")


@bp.post("/awards/<int:award_id>/decline")
def decline_award(award_id: int):
    return _answer(award_id, awards.decline_award, "You declined the award.")
