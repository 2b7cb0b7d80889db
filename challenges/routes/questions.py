"""Questions on a challenge: ask, answer (public or private), post a clarification.

Each works as a plain form post (back to the challenge's questions) and, with htmx, answers with
the questions section re-rendered in place."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_login import current_user, login_required

from app.errors_domain import DomainError
from app.extensions import htmx, limiter
from app.web import redirect_to, refuse_beside, render
from challenges import bp, policy
from challenges.forms.questions import AnswerForm, AskForm, ClarificationForm
from challenges.routes.browse import question_context
from challenges.services import questions as question_services

ASK_LIMIT = "5 per minute;30 per day"
ASK_CONTROL, CLARIFY_CONTROL = "ask-question", "post-clarification"  # the forms' ids


def _done(challenge, message: str | None = None, category: str = "success", control: str | None = None):
    """A redirect to the questions without htmx (a refusal kept beside `control`, the form that
    was refused); the section itself with it."""
    anchor = "questions"
    if message and category == "error" and control and not htmx:
        refuse_beside(control, message)
        anchor = control
    elif message:
        flash(message, category)
    if not htmx:
        return redirect_to(url_for("challenges.show", challenge_id=challenge.id) + f"#{anchor}")
    return render(
        "challenges/questions/_section.html",
        partial="challenges/questions/_section.html",
        challenge=challenge,
        oob_flashes=True,
        **question_context(challenge),
    )


def _call(challenge, form, service, success: str, control: str):
    """`control` is the id of the form (its refusal is shown beside it)."""
    if not form.validate_on_submit():
        errors = [e for field in form for e in field.errors]
        return _done(challenge, " ".join(errors) or "Please check the form.", "error", control)
    try:
        service()
    except DomainError as error:
        return _done(challenge, error.message, "error", control)
    return _done(challenge, success)


@bp.post("/challenges/<int:challenge_id>/questions")
@login_required
@limiter.limit(ASK_LIMIT)
def ask(challenge_id: int):
    challenge = policy.challenge_or_404(current_user, challenge_id)
    form = AskForm()
    return _call(
        challenge,
        form,
        lambda: question_services.ask(current_user, challenge, form.body.data),
        "Your question is sent. You will be notified when it is answered.",
        ASK_CONTROL,
    )


@bp.post("/challenges/<int:challenge_id>/questions/<int:question_id>/answer")
@login_required
def answer(challenge_id: int, question_id: int):
    challenge = policy.managed_challenge_or_404(current_user, challenge_id)
    question = question_services.question_or_none(challenge, question_id)
    if question is None:
        abort(404)
    form = AnswerForm()
    public = form.visibility.data != "private"
    return _call(
        challenge,
        form,
        lambda: question_services.answer(current_user, question, form.answer.data, public),
        "Answer published as a clarification." if public else "Answer sent to the person who asked.",
        f"answer-form-{question_id}",
    )


@bp.post("/challenges/<int:challenge_id>/clarifications")
@login_required
def clarify(challenge_id: int):
    challenge = policy.managed_challenge_or_404(current_user, challenge_id)
    form = ClarificationForm()
    return _call(
        challenge,
        form,
        lambda: question_services.post_clarification(current_user, challenge, form.answer.data),
        "Clarification published; solvers who accepted the terms are notified.",
        CLARIFY_CONTROL,
    )
