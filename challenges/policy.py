"""Who may see and do what with a challenge: the one place these checks live.

Anything a person may not see answers 404, so a confidential submission, an unpublished challenge
or a private question cannot even be shown to exist. Submissions are seen by their author and the
organisation's judges only: not by product managers without the judge role, not by site
administrators (the organisation, not the platform, was trusted with them).
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.orgs import policy as org_policy
from challenges.models import Agreement, Challenge, Question, Submission


def signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_org_member(user: User | None, challenge: Challenge) -> bool:
    """A member of the posting organisation (site administrators are not members)."""
    return signed_in(user) and org_policy.membership_of(user, challenge.organisation) is not None


def can_manage(user: User | None, challenge: Challenge) -> bool:
    """Post, edit, answer questions, extend, cancel, award: the organisation's admins and PMs."""
    membership = org_policy.membership_of(user, challenge.organisation) if signed_in(user) else None
    return membership is not None and membership.has_role("pm")


def can_post(user: User | None, organisation) -> bool:
    membership = org_policy.membership_of(user, organisation) if signed_in(user) else None
    return membership is not None and membership.has_role("pm")


def can_judge(user: User | None, challenge: Challenge) -> bool:
    """Read and score submissions: members with the judge role (admins hold every role)."""
    membership = org_policy.membership_of(user, challenge.organisation) if signed_in(user) else None
    return membership is not None and membership.has_role("judge")


def can_see(user: User | None, challenge: Challenge) -> bool:
    return challenge.is_public or is_org_member(user, challenge)


def has_agreed(user: User | None, challenge: Challenge) -> bool:
    """Accepted the current version of the terms."""
    if not signed_in(user):
        return False
    return (
        db.session.scalar(
            select(Agreement.id).where(
                Agreement.challenge_id == challenge.id,
                Agreement.user_id == user.id,
                Agreement.terms_version == challenge.terms_version,
            )
        )
        is not None
    )


def can_see_confidential(user: User | None, challenge: Challenge) -> bool:
    return is_org_member(user, challenge) or (can_see(user, challenge) and has_agreed(user, challenge))


def can_see_submission(user: User | None, submission: Submission) -> bool:
    """The author always; the organisation's judges while it is not withdrawn (a solver who takes
    their work back takes it back from the judges too)."""
    if not signed_in(user):
        return False
    if submission.solver_id == user.id:
        return True
    return submission.is_active and can_judge(user, submission.challenge)


def can_see_question(user: User | None, question: Question, challenge: Challenge) -> bool:
    """Public answers are for everyone who sees the challenge; the rest for the asker and the organisation."""
    if not can_see(user, challenge):
        return False
    if question.is_public and question.answered_at is not None:
        return True
    return signed_in(user) and (question.asker_id == user.id or is_org_member(user, challenge))


# --------------------------------------------------------------------------- lookups for routes


def challenge_or_404(user: User | None, challenge_id: int) -> Challenge:
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or not can_see(user, challenge):
        abort(404)
    return challenge


def managed_challenge_or_404(user: User | None, challenge_id: int) -> Challenge:
    """For the organisation's pages: outsiders 404, members without the PM role 403."""
    challenge = challenge_or_404(user, challenge_id)
    if not can_manage(user, challenge):
        if is_org_member(user, challenge):
            abort(403, "Only the organisation's admins and product managers can do that.")
        abort(404)
    return challenge


def judged_challenge_or_404(user: User | None, challenge_id: int) -> Challenge:
    challenge = challenge_or_404(user, challenge_id)
    if not can_judge(user, challenge):
        if is_org_member(user, challenge):
            abort(403, "Only the organisation's judges can see submissions.")
        abort(404)
    return challenge


def submission_or_404(user: User | None, submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or not can_see_submission(user, submission):
        abort(404)
    return submission
