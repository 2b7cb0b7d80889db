"""A solver's side of a challenge: accepting the terms, submitting and editing a solution with its
files, withdrawing it, reading it and its earlier versions, downloading attachments, and the list
of challenges a solver entered.

Submissions are confidential: every page and download here goes through
`policy.submission_or_404` (the author and the organisation's judges; 404 for anyone else, signed
in or not, so a link reveals nothing about whether a submission exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from app.clock import utcnow
from app.errors_domain import DomainError
from app.extensions import db, htmx
from app.forms import apply_errors
from app.web import redirect_to, render
from challenges import bp, policy, uploads
from challenges.forms.solving import AgreementForm, SubmissionForm, WithdrawForm
from challenges.models import Attachment, Challenge, State, Submission, SubmissionVersion
from challenges.services import solving
from challenges.terms import terms_paragraphs

FORM = "challenges/solving/_form.html"


def _challenge_page(challenge_id: int, anchor: str = "take-part") -> str:
    return url_for("challenges.show", challenge_id=challenge_id, _anchor=anchor)


# --------------------------------------------------------------------------- the panel on a challenge page


@dataclass
class SolverPanel:
    """What the solver's panel shows; `mode` is one of: anonymous, member, closed, terms, ready."""

    mode: str
    challenge: Challenge
    now: datetime
    submission: Submission | None = None
    terms: list[str] | None = None
    agreed_before: bool = False  # accepted an earlier version of the terms

    @property
    def phase(self) -> str:
        return self.challenge.phase(self.now)

    @property
    def deadline_passed(self) -> bool:
        return self.phase != State.OPEN and self.challenge.deadline <= self.now


@bp.app_template_global("solver_panel")
def solver_panel(challenge: Challenge) -> SolverPanel:
    """Called by the panel template: a few queries, only for signed-in solvers."""
    now = utcnow()
    if not policy.signed_in(current_user):
        return SolverPanel("anonymous", challenge, now)
    if policy.is_org_member(current_user, challenge):
        return SolverPanel("member", challenge, now)
    submission = solving.my_submission(current_user, challenge)
    if not challenge.accepts_submissions(now):
        return SolverPanel("closed", challenge, now, submission)
    if not policy.has_agreed(current_user, challenge):
        return SolverPanel(
            "terms",
            challenge,
            now,
            submission,
            terms_paragraphs(challenge),
            agreed_before=solving.agreed_any_version(current_user, challenge),
        )
    return SolverPanel("ready", challenge, now, submission)


@bp.post("/challenges/<int:challenge_id>/agreement")
@login_required
def accept_terms(challenge_id: int):
    challenge = policy.challenge_or_404(current_user, challenge_id)
    if AgreementForm().validate_on_submit():
        try:
            solving.accept_agreement(current_user, challenge)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(
                "You accepted the terms. You can now read the confidential material and submit a solution.", "success"
            )
    else:
        flash("The form expired; please try again.", "error")
    # A whole page, also for htmx: accepting reveals the confidential material elsewhere on it.
    return redirect_to(_challenge_page(challenge_id))


# --------------------------------------------------------------------------- submitting


def _removable(submission: Submission | None, form: SubmissionForm) -> list[Attachment]:
    attachments = list(submission.attachments) if submission else []
    form.remove.choices = [(a.id, a.filename) for a in attachments]
    return attachments


@bp.route("/challenges/<int:challenge_id>/submit", methods=["GET", "POST"])
@login_required
def submit_solution(challenge_id: int):
    challenge = policy.challenge_or_404(current_user, challenge_id)
    if policy.is_org_member(current_user, challenge):
        abort(403, "Members of the organisation that posted a challenge cannot enter it.")
    if not policy.has_agreed(current_user, challenge):
        flash("Accept the challenge terms first: they explain what happens to your solution.", "info")
        return redirect_to(_challenge_page(challenge_id))
    submission = solving.my_submission(current_user, challenge)
    if request.method == "GET" and not challenge.accepts_submissions():
        flash(solving.closed_message(challenge), "info")
        return redirect_to(
            url_for("challenges.show_submission", submission_id=submission.id)
            if submission
            else _challenge_page(challenge_id)
        )
    form = SubmissionForm(obj=submission if request.method == "GET" else None)
    attachments = _removable(submission, form)
    status = 200
    if form.validate_on_submit():
        removing = {i for i in form.remove.data or () if i in {a.id for a in attachments}}
        try:
            with uploads.staged(
                uploads.chosen(form.files.data or ()), challenge.id, already=len(attachments) - len(removing)
            ) as stored:
                submission = solving.submit(
                    current_user,
                    challenge,
                    form.title.data,
                    form.body.data,
                    attachments=stored,
                    remove_attachment_ids=sorted(removing),
                )
        except DomainError as error:
            apply_errors(form, error)
            status = error.status
        else:
            flash(
                "Your solution is submitted. You can change it until the deadline."
                if submission.version == 1
                else f"Saved as version {submission.version}; the earlier version is kept.",
                "success",
            )
            return redirect_to(url_for("challenges.show_submission", submission_id=submission.id))
    context = dict(challenge=challenge, form=form, submission=submission, attachments=attachments, now=utcnow())
    if form.errors and status == 200:
        status = 422
    if htmx:  # htmx swaps only successful responses, so its fragment carries the errors with a 200
        status = 200
    return render("challenges/solving/submit.html", partial=FORM, **context), status


@bp.post("/submissions/<int:submission_id>/withdraw")
@login_required
def withdraw_submission(submission_id: int):
    submission = policy.submission_or_404(current_user, submission_id)
    if not WithdrawForm().validate_on_submit():
        flash("The form expired; please try again.", "error")
    else:
        try:
            solving.withdraw(current_user, submission)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(
                "Your submission is withdrawn. The judges will not see it; you can submit again until the deadline.",
                "success",
            )
    return redirect_to(url_for("challenges.show_submission", submission_id=submission_id))


# --------------------------------------------------------------------------- reading


@bp.get("/submissions/<int:submission_id>")
def show_submission(submission_id: int):
    submission = policy.submission_or_404(current_user, submission_id)
    challenge = submission.challenge
    is_author = submission.solver_id == current_user.id
    return render(
        "challenges/solving/submission.html",
        submission=submission,
        challenge=challenge,
        is_author=is_author,
        versions=solving.versions(submission),
        now=utcnow(),
        can_change=is_author and challenge.accepts_submissions(),
        withdraw_form=WithdrawForm(formdata=None),
    )


def _version_or_404(submission: Submission, version: int) -> SubmissionVersion:
    found = db.session.scalar(
        db.select(SubmissionVersion).where(
            SubmissionVersion.submission_id == submission.id, SubmissionVersion.version == version
        )
    )
    if found is None:
        abort(404)
    return found


@bp.get("/submissions/<int:submission_id>/versions/<int:version>")
def submission_version(submission_id: int, version: int):
    submission = policy.submission_or_404(current_user, submission_id)
    earlier = _version_or_404(submission, version)
    return render(
        "challenges/solving/version.html",
        submission=submission,
        challenge=submission.challenge,
        version=earlier,
        attachments=solving.version_attachments(earlier),
    )


@bp.get("/submissions/<int:submission_id>/attachments/<int:attachment_id>")
def download_attachment(submission_id: int, attachment_id: int):
    submission = policy.submission_or_404(current_user, submission_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.submission_id != submission.id or attachment.removed_at is not None:
        abort(404)
    return uploads.send(attachment)


@bp.get("/submissions/<int:submission_id>/versions/<int:version>/attachments/<int:attachment_id>")
def download_version_attachment(submission_id: int, version: int, attachment_id: int):
    """A file as an earlier version listed it (it may since have been removed from the current one)."""
    submission = policy.submission_or_404(current_user, submission_id)
    earlier = _version_or_404(submission, version)
    attachment = next((a for a in solving.version_attachments(earlier) if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    return uploads.send(attachment)


@bp.get("/me/challenges")
@login_required
def my_challenges():
    return render(
        "challenges/solving/mine.html", entries=solving.my_challenges(current_user), now=utcnow(), states=State
    )
