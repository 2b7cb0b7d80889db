"""One builder per notification kind: it prepares who should hear, and returns (recipient, fire)
where each call of fire() performs the real domain action that notifies them once more."""

from __future__ import annotations

import itertools
from datetime import timedelta

from app.clock import utcnow
from app.extensions import db
from challenges.models import Challenge
from tests.support.challenges import make_challenge, make_submission
from tests.support.factories import add_member, make_idea, seasoned_user
from tests.support.judging import closed_challenge, give_scores, make_judge, owner_of

_n = itertools.count(1)


def _pm_of(idea):
    return idea.board.organisation.memberships[0].user


def idea_status():
    from app.notifications.preferences import save
    from ideas.models import Status
    from ideas.services.statuses import change_status
    from voting.services import cast_vote

    idea, voter = make_idea(title="Dark mode for reports"), seasoned_user()
    cast_vote(voter, idea, 1)
    save(idea.author, {"idea.status": "off"})  # the author follows too; only the voter gets mail
    statuses = iter([Status.PLANNED, Status.IN_PROGRESS, Status.UNDER_REVIEW])
    return voter, lambda: change_status(_pm_of(idea), idea, next(statuses), "We are on it")


def idea_merged():
    from ideas.services.merging import merge_ideas
    from voting.services import cast_vote

    target, voter = make_idea(title="Export to CSV"), seasoned_user()

    def fire():
        source = make_idea(target.board, title=f"CSV download number {next(_n)}")
        cast_vote(voter, source, 1)
        merge_ideas(_pm_of(target), source, target)

    return voter, fire


def comment_reply():
    from ideas.services.comments import post_comment

    idea, author = make_idea(), seasoned_user()
    top = post_comment(author, idea, "Would a weekly export do?")
    return author, lambda: post_comment(seasoned_user(), idea, f"Yes, weekly is fine ({next(_n)})", parent_id=top.id)


def comment_accepted():
    from ideas.services.comments import accept_comment, post_comment

    author = seasoned_user()

    def fire():
        idea = make_idea()
        accept_comment(_pm_of(idea), post_comment(author, idea, "Use the CSV export meanwhile"))

    return author, fire


def _entered():
    """An open challenge and a solver who accepted its terms."""
    from challenges.services import solving

    challenge, solver = make_challenge(), seasoned_user()
    solving.accept_agreement(solver, challenge)
    return challenge, solver


def challenge_clarification():
    from challenges.services import questions

    challenge, solver = _entered()
    return solver, lambda: questions.post_clarification(
        owner_of(challenge), challenge, f"Android 9 counts as an old phone ({next(_n)})."
    )


def challenge_answer():
    from challenges.services import questions

    challenge, solver = _entered()

    def fire():
        question = questions.ask(solver, challenge, f"May we use native code? ({next(_n)})")
        questions.answer(owner_of(challenge), question, "Yes, within the app's licence.", public=False)

    return solver, fire


def challenge_deadline():
    from challenges.services import posting

    challenge, solver = _entered()

    def fire():
        current = db.session.get(Challenge, challenge.id).deadline
        posting.extend_deadline(owner_of(challenge), challenge, current + timedelta(days=3), "More time to test")

    return solver, fire


def challenge_cancelled():
    from challenges.services import posting, solving

    solver = seasoned_user()

    def fire():
        challenge = make_challenge()
        solving.accept_agreement(solver, challenge)
        posting.cancel(owner_of(challenge), challenge, "The team was reorganised.")

    return solver, fire


def challenge_submission():
    challenge = make_challenge()
    judge = make_judge(challenge)
    return judge, lambda: make_submission(challenge, title=f"Solution {next(_n)}")


def _closed_with(solver, **overrides):
    challenge, _ = closed_challenge(0, **overrides)
    entry = make_submission(challenge, solver, now=utcnow() - timedelta(days=9))
    return challenge, entry


def challenge_judging():
    solver = seasoned_user()

    def fire():
        challenge, entry = _closed_with(solver)
        give_scores(make_judge(challenge), entry, 8, 7, 9)

    return solver, fire


def challenge_award():
    from challenges.services import awards

    solver = seasoned_user()

    def fire():
        challenge, entry = _closed_with(solver)
        awards.award(owner_of(challenge), challenge, [(entry.id, 100_000)])

    return solver, fire


def challenge_award_accepted():
    from sqlalchemy import select

    from challenges.models import Award
    from challenges.services import awards
    from tests.support.factories import make_org

    organisation = make_org()
    manager = add_member(organisation, None, "pm")

    def fire():
        solver = seasoned_user()
        challenge, entry = _closed_with(solver, organisation=organisation, ip_terms="exclusive")
        awards.award(owner_of(challenge), challenge, [(entry.id, 100_000)])
        offered = db.session.scalar(select(Award).where(Award.submission_id == entry.id))
        awards.accept_award(solver, offered)

    return manager, fire


def challenge_reminder():
    from challenges.notify.reminders import send_reminders
    from challenges.services import solving

    solver = seasoned_user()

    def fire():
        start = utcnow() - timedelta(days=5)
        challenge = make_challenge(now=start, deadline=utcnow() + timedelta(hours=40))
        solving.accept_agreement(solver, challenge)
        send_reminders()

    return solver, fire


SCENARIOS = {
    "idea.status": idea_status,
    "idea.merged": idea_merged,
    "comment.reply": comment_reply,
    "comment.accepted": comment_accepted,
    "challenge.clarification": challenge_clarification,
    "challenge.answer": challenge_answer,
    "challenge.deadline": challenge_deadline,
    "challenge.cancelled": challenge_cancelled,
    "challenge.submission": challenge_submission,
    "challenge.judging": challenge_judging,
    "challenge.award": challenge_award,
    "challenge.award_accepted": challenge_award_accepted,
    "challenge.reminder": challenge_reminder,
}
