"""Solving a challenge: accept its terms, submit a solution, edit or withdraw it until the deadline.

One submission per solver per challenge (the database enforces it); every edit keeps the version
before it, so nothing a solver sent is lost. After the deadline nothing changes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from challenges import policy
from challenges.models import Agreement, Attachment, Challenge, State, Submission, SubmissionState, SubmissionVersion
from challenges.terms import terms_digest
from challenges.uploads import MAX_FILES

TITLE_MAX, BODY_MAX = 160, 100_000


class DeadlinePassed(Conflict):
    code = "deadline_passed"


def _open_for_solvers(challenge: Challenge, now: datetime) -> None:
    phase = challenge.phase(now)
    if phase == State.CLOSED:
        raise DeadlinePassed("The deadline has passed: submissions can no longer be made, changed or withdrawn.")
    if phase != State.OPEN:
        raise Conflict(f"This challenge is {State.LABELS[phase].lower()}: it does not take submissions.")


@writes
def accept_agreement(user: User, challenge: Challenge, now: datetime | None = None) -> Agreement:
    """Record that `user` accepted the current terms (idempotent per terms version)."""
    # Locked: two clicks at once would both find no agreement and the second insert would fail.
    challenge = db.session.scalars(
        select(Challenge)
        .where(Challenge.id == challenge.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if not policy.can_see(user, challenge):
        raise NotAllowed("You cannot take part in this challenge.")
    if policy.is_org_member(user, challenge):
        raise NotAllowed("Members of the organisation that posted a challenge cannot enter it.")
    now = now or utcnow()
    _open_for_solvers(challenge, now)
    existing = db.session.scalar(
        select(Agreement).where(
            Agreement.challenge_id == challenge.id,
            Agreement.user_id == user.id,
            Agreement.terms_version == challenge.terms_version,
        )
    )
    if existing is not None:
        db.session.rollback()
        return existing
    first_time = (
        db.session.scalar(
            select(Agreement.id).where(Agreement.challenge_id == challenge.id, Agreement.user_id == user.id)
        )
        is None
    )
    agreement = Agreement(
        challenge_id=challenge.id,
        user_id=user.id,
        terms_version=challenge.terms_version,
        terms_digest=terms_digest(challenge),
        accepted_at=now,
    )
    db.session.add(agreement)
    if first_time:
        db.session.execute(
            update(Challenge).where(Challenge.id == challenge.id).values(solver_count=Challenge.solver_count + 1)
        )
    db.session.commit()
    audit.event(
        "challenge.agreement_accepted",
        challenge_id=challenge.id,
        user_id=user.id,
        terms_version=agreement.terms_version,
    )
    return agreement


def _clean(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not 3 <= len(title) <= TITLE_MAX:
        errors["title"] = [f"Give a title of 3 to {TITLE_MAX} characters."]
    if not 20 <= len(body) <= BODY_MAX:
        errors["body"] = ["Describe your solution in at least 20 characters."]
    if errors:
        raise ValidationFailed("Please correct the highlighted fields.", errors)
    return title, body


def my_submission(user: User | None, challenge: Challenge) -> Submission | None:
    if not policy.signed_in(user):
        return None
    return db.session.scalar(
        select(Submission).where(Submission.challenge_id == challenge.id, Submission.solver_id == user.id)
    )


def _snapshot(submission: Submission, now: datetime) -> None:
    """Keep the submission as it stands before it changes."""
    ids = ",".join(str(a.id) for a in submission.attachments)
    db.session.add(
        SubmissionVersion(
            submission_id=submission.id,
            version=submission.version,
            title=submission.title,
            body=submission.body,
            attachment_ids=ids,
            saved_at=now,
        )
    )


@writes
def submit(
    user: User,
    challenge: Challenge,
    title: str,
    body: str,
    attachments: list | None = None,
    remove_attachment_ids: list[int] | None = None,
    now: datetime | None = None,
) -> Submission:
    """Create the solver's submission or, if there is one, save a new version of it (a withdrawn one
    comes back). `attachments` are `challenges.uploads.StoredFile`s already written to disk; the
    caller deletes them if this raises.

    Raises NotAllowed (terms not accepted, an organisation member), DeadlinePassed, Conflict (not
    open) or ValidationFailed."""
    challenge = db.session.scalars(select(Challenge).where(Challenge.id == challenge.id).with_for_update()).one()
    now = now or utcnow()
    if not policy.can_see(user, challenge):
        raise NotAllowed("You cannot take part in this challenge.")
    _open_for_solvers(challenge, now)
    if policy.is_org_member(user, challenge):
        raise NotAllowed("Members of the organisation that posted a challenge cannot enter it.")
    if not policy.has_agreed(user, challenge):
        raise NotAllowed("Accept the challenge agreement first (the terms may have changed since you last did).")
    title, body = _clean(title, body)
    submission = my_submission(user, challenge)
    if submission is None:
        submission = Submission(
            challenge_id=challenge.id, solver_id=user.id, title=title, body=body, submitted_at=now, updated_at=now
        )
        db.session.add(submission)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:  # the same solver, in another tab, a moment earlier
            raise Conflict("You already have a submission for this challenge; edit it instead.") from None
        db.session.execute(
            update(Challenge)
            .where(Challenge.id == challenge.id)
            .values(submission_count=Challenge.submission_count + 1)
        )
    else:
        _snapshot(submission, now)
        if not submission.is_active:
            db.session.execute(
                update(Challenge)
                .where(Challenge.id == challenge.id)
                .values(submission_count=Challenge.submission_count + 1)
            )
        submission.title, submission.body, submission.updated_at = title, body, now
        submission.version += 1
        submission.state, submission.withdrawn_at = SubmissionState.ACTIVE, None
    removing = set(remove_attachment_ids or ())
    kept = [a for a in submission.attachments if a.id not in removing]
    if len(kept) + len(attachments or ()) > MAX_FILES:
        raise ValidationFailed(
            f"A submission can have at most {MAX_FILES} files.",
            {"files": [f"A submission can have at most {MAX_FILES} files; remove some first."]},
        )
    for attachment in submission.attachments:
        if attachment.id in removing:
            attachment.removed_at = now
    for stored in attachments or ():
        db.session.add(
            Attachment(
                submission_id=submission.id,
                stored_name=stored.stored_name,
                filename=stored.filename,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_at=now,
            )
        )
    db.session.flush()
    events.publish(events.SubmissionReceived(submission.id, challenge.id, submission.version, user.id))
    db.session.commit()
    db.session.expire(submission, ["attachments"])
    audit.event(
        "challenge.submitted",
        challenge_id=challenge.id,
        submission_id=submission.id,
        user_id=user.id,
        version=submission.version,
    )
    return submission


@writes
def withdraw(user: User, submission: Submission, now: datetime | None = None) -> Submission:
    """The solver takes their submission back before the deadline (its versions stay, hidden from
    judges); submitting again brings it back."""
    submission = db.session.scalars(select(Submission).where(Submission.id == submission.id).with_for_update()).one()
    if submission.solver_id != user.id:
        raise NotAllowed("Only the solver who made a submission can withdraw it.")
    now = now or utcnow()
    _open_for_solvers(submission.challenge, now)
    if not submission.is_active:
        raise Conflict("This submission is already withdrawn.")
    submission.state, submission.withdrawn_at, submission.updated_at = SubmissionState.WITHDRAWN, now, now
    db.session.execute(
        update(Challenge)
        .where(Challenge.id == submission.challenge_id)
        .values(submission_count=Challenge.submission_count - 1)
    )
    db.session.commit()
    audit.event("challenge.submission_withdrawn", submission_id=submission.id, user_id=user.id)
    return submission


def versions(submission: Submission) -> list[SubmissionVersion]:
    """Earlier versions, newest first."""
    return list(
        db.session.scalars(
            select(SubmissionVersion)
            .where(SubmissionVersion.submission_id == submission.id)
            .order_by(SubmissionVersion.version.desc())
        )
    )


def agreed_any_version(user: User, challenge: Challenge) -> bool:
    """Accepted some version of the terms (perhaps not the current one)."""
    return (
        db.session.scalar(
            select(Agreement.id).where(Agreement.challenge_id == challenge.id, Agreement.user_id == user.id).limit(1)
        )
        is not None
    )


def closed_message(challenge: Challenge, now: datetime | None = None) -> str:
    """Why a solver can no longer change anything, in the words the services refuse with."""
    try:
        _open_for_solvers(challenge, now or utcnow())
    except Conflict as refusal:
        return refusal.message
    return ""


def version_attachments(version: SubmissionVersion) -> list[Attachment]:
    """The files an earlier version listed, as they stood (some may be removed from the current one)."""
    ids = [int(part) for part in version.attachment_ids.split(",") if part.strip().isdigit()]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.submission_id == version.submission_id, Attachment.id.in_(ids))
            .order_by(Attachment.id)
        )
    )


def my_challenges(user: User, limit: int = 200) -> list[tuple[Challenge, Submission | None]]:
    """The challenges `user` accepted terms for, latest deadline first, with their submission if any."""
    accepted = select(Agreement.challenge_id).where(Agreement.user_id == user.id)
    rows = db.session.execute(
        select(Challenge, Submission)
        .outerjoin(Submission, and_(Submission.challenge_id == Challenge.id, Submission.solver_id == user.id))
        .where(Challenge.id.in_(accepted))
        .options(selectinload(Challenge.organisation))
        .order_by(Challenge.deadline.desc(), Challenge.id.desc())
        .limit(limit)
    )
    return [(challenge, submission) for challenge, submission in rows if policy.can_see(user, challenge)]
