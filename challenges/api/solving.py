"""Submissions in the JSON API: confidential, so each one answers only to its author and the
organisation's judges (404 to anyone else, whatever the request)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.pagination import PageQuery, keyset_page
from app.api.spec import operation
from app.extensions import db
from challenges import policy
from challenges.api.common import (
    CHALLENGE_ID,
    SUBMISSION_ID,
    caller,
    challenges_api,
    visible_challenge,
    visible_submission,
)
from challenges.models import Attachment, Submission, SubmissionState
from challenges.schemas import (
    AttachmentOut,
    SubmissionCreate,
    SubmissionOut,
    SubmissionPage,
    SubmissionUpdate,
    submission_out,
)
from challenges.services import judging, solving

TAG = ("Submissions",)
# The site serves attachments as downloads only, to the same people as here.
DOWNLOAD_ENDPOINT = "challenges.download_attachment"
DEADLINE = (
    "After the deadline nothing changes: 409 with code `deadline_passed`. 409 too when the challenge is not open."
)


def _download_url(attachment: Attachment) -> str:
    return url_for(
        DOWNLOAD_ENDPOINT, submission_id=attachment.submission_id, attachment_id=attachment.id, _external=True
    )


def submission_json(submission: Submission) -> SubmissionOut:
    attachments = [
        AttachmentOut(
            id=a.id,
            filename=a.filename,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
            uploaded_at=a.uploaded_at,
            download_url=_download_url(a),
        )
        for a in submission.attachments
    ]
    return submission_out(
        submission,
        attachments,
        judging.feedback_for(caller(), submission),
        policy.can_judge(caller(), submission.challenge),
    )


@operation(
    challenges_api,
    "GET",
    f"/challenges/{CHALLENGE_ID}/submissions",
    summary="List submissions",
    query=PageQuery,
    response=SubmissionPage,
    errors=(404,),
    tags=TAG,
)
def list_submissions(challenge_id: int, query: PageQuery) -> SubmissionPage:
    """The organisation's judges see every active submission, newest first; anyone else sees only
    their own (an empty list if they have none): submissions are never listed to other solvers."""
    challenge, user = visible_challenge(challenge_id), caller()
    stmt = (
        select(Submission)
        .where(Submission.challenge_id == challenge.id)
        .options(selectinload(Submission.solver), selectinload(Submission.attachments))
    )
    if policy.can_judge(user, challenge):
        stmt = stmt.where(Submission.state == SubmissionState.ACTIVE)
    else:
        stmt = stmt.where(Submission.solver_id == user.id)
    rows, next_cursor = keyset_page(
        db.session, stmt, kind="submissions", columns=(Submission.submitted_at, Submission.id), query=query
    )
    return SubmissionPage(data=[submission_json(s) for s in rows], next_cursor=next_cursor)


@operation(
    challenges_api,
    "POST",
    f"/challenges/{CHALLENGE_ID}/submissions",
    summary="Submit a solution",
    body=SubmissionCreate,
    response=SubmissionOut,
    status=201,
    errors=(403, 404, 409),
    tags=TAG,
    description="Submit your solution as text (Markdown); if you already have a submission (even a "
    "withdrawn one) this saves a new version of it, keeping the one before. Attachments are "
    "uploaded on the challenge's page on the site, not through the API. Accept the agreement "
    "first (403 otherwise; 403 too for the organisation's own members). " + DEADLINE,
)
def create_submission(challenge_id: int, body: SubmissionCreate) -> SubmissionOut:
    return submission_json(solving.submit(caller(), visible_challenge(challenge_id), body.title, body.body))


@operation(
    challenges_api,
    "GET",
    f"/submissions/{SUBMISSION_ID}",
    summary="Get a submission",
    response=SubmissionOut,
    errors=(404,),
    tags=TAG,
)
def get_submission(submission_id: int) -> SubmissionOut:
    """Your own submission, or any of your organisation's challenges if you are one of its judges;
    with its attachments and, for its author and the judges, the organisation's private feedback."""
    return submission_json(visible_submission(submission_id))


@operation(
    challenges_api,
    "PATCH",
    f"/submissions/{SUBMISSION_ID}",
    summary="Edit your submission",
    body=SubmissionUpdate,
    response=SubmissionOut,
    errors=(403, 404, 409),
    tags=TAG,
    description="Save a new version (the earlier one is kept); fields left out stay as they are. "
    "Only its author (403 for judges). " + DEADLINE,
)
def update_submission(submission_id: int, body: SubmissionUpdate) -> SubmissionOut:
    submission, user = visible_submission(submission_id), caller()
    if submission.solver_id != user.id:
        raise solving.NotAllowed("Only the solver who made a submission can edit it.")
    saved = solving.submit(
        user,
        submission.challenge,
        submission.title if body.title is None else body.title,
        submission.body if body.body is None else body.body,
        remove_attachment_ids=body.remove_attachment_ids,
    )
    return submission_json(saved)


@operation(
    challenges_api,
    "DELETE",
    f"/submissions/{SUBMISSION_ID}",
    summary="Withdraw your submission",
    errors=(403, 404, 409),
    tags=TAG,
    description="Take your submission back before the deadline; judges no longer see it and its versions "
    "are kept. Submitting again brings it back. Only its author (403 for judges); 409 if it "
    "is already withdrawn. " + DEADLINE,
)
def withdraw_submission(submission_id: int) -> None:
    solving.withdraw(caller(), visible_submission(submission_id))
