"""Agreements and submissions at the service level: one per solver, versions kept, deadline kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from challenges.models import Agreement, Submission, SubmissionVersion
from challenges.services import posting, solving
from tests.support.challenges import make_challenge, make_submission
from tests.support.factories import add_member, make_user


def test_submitting_needs_the_agreement(db):
    challenge, solver = make_challenge(), make_user()
    with pytest.raises(solving.NotAllowed, match="Accept the challenge agreement"):
        solving.submit(solver, challenge, "My solution", "A long enough description of it.")
    agreement = solving.accept_agreement(solver, challenge)
    assert agreement.terms_version == 1 and len(agreement.terms_digest) == 64
    assert solving.accept_agreement(solver, challenge).id == agreement.id
    assert challenge.solver_count == 1


def test_one_submission_per_solver_with_versions(db):
    challenge = make_challenge()
    submission = make_submission(challenge)
    solver = submission.solver
    again = solving.submit(solver, challenge, "Second take", "An improved description of the solution.")
    assert again.id == submission.id and again.version == 2
    assert db.session.query(Submission).count() == 1
    [old] = solving.versions(again)
    assert old.version == 1 and old.title == "Lazy-load the heavy modules"
    assert challenge.submission_count == 1


def test_a_second_late_is_refused_and_changes_nothing(db):
    challenge = make_challenge()
    submission = make_submission(challenge)
    with time_machine.travel(challenge.deadline + timedelta(seconds=1)):
        with pytest.raises(solving.DeadlinePassed, match="deadline has passed"):
            solving.submit(submission.solver, challenge, "Too late", "This edit arrives one second late.")
        with pytest.raises(solving.DeadlinePassed):
            solving.withdraw(submission.solver, submission)
    db.session.refresh(submission)
    assert submission.version == 1 and submission.title == "Lazy-load the heavy modules" and submission.is_active
    assert db.session.query(SubmissionVersion).count() == 0


def test_extension_reopens_submissions(db):
    challenge = make_challenge()
    owner = challenge.organisation.memberships[0].user
    solver = make_user()
    solving.accept_agreement(solver, challenge)
    with time_machine.travel(challenge.deadline + timedelta(hours=1)):
        posting.extend_deadline(owner, challenge, challenge.deadline + timedelta(days=3), "More time")
        assert solving.submit(solver, challenge, "Made it", "Thanks to the extension I could finish.").version == 1


def test_withdraw_and_come_back(db):
    challenge = make_challenge()
    submission = make_submission(challenge)
    solving.withdraw(submission.solver, submission)
    assert not submission.is_active and challenge.submission_count == 0
    solving.submit(submission.solver, challenge, "Back again", "I changed my mind and resubmitted this.")
    assert submission.is_active and challenge.submission_count == 1


def test_organisation_members_cannot_enter(db):
    challenge = make_challenge()
    judge = add_member(challenge.organisation, None, "judge")
    with pytest.raises(solving.NotAllowed):
        solving.accept_agreement(judge, challenge)


def test_changed_terms_need_a_new_acceptance(db):
    challenge = make_challenge()
    submission = make_submission(challenge)
    owner = challenge.organisation.memberships[0].user
    from tests.support.challenges import challenge_input

    posting.update_challenge(owner, challenge, challenge_input(eligibility="Residents of the EU only."))
    with pytest.raises(solving.NotAllowed, match="terms may have changed"):
        solving.submit(submission.solver, challenge, "Edit", "An edit after the terms changed.")
    solving.accept_agreement(submission.solver, challenge)
    assert db.session.query(Agreement).filter_by(user_id=submission.solver_id).count() == 2


def test_two_simultaneous_acceptances_record_one_agreement(app, db):
    """Two clicks on "accept the terms" at once, each on its own connection: both succeed."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from app.auth.models import User
    from challenges.models import Challenge

    challenge, solver = make_challenge(), make_user()
    ids = (challenge.id, solver.id)
    db.session.commit()
    barrier = threading.Barrier(2)

    def accept():
        with app.app_context():
            user, target = db.session.get(User, ids[1]), db.session.get(Challenge, ids[0])
            barrier.wait()
            return solving.accept_agreement(user, target).id

    with ThreadPoolExecutor(2) as pool:
        made = [future.result() for future in [pool.submit(accept) for _ in range(2)]]
    db.session.expire_all()
    assert made[0] == made[1]
    assert db.session.query(Agreement).count() == 1
    assert db.session.get(Challenge, ids[0]).solver_count == 1
