"""Awards: the organisation splits the funded reward among ranked submissions (or declares no
winner), winners accept, and an award nobody takes up passes to the next-ranked submission.

Under exclusive assignment a winner must accept within `challenge.acceptance_days`; under the other
IP terms there is nothing to sign and the award is accepted at once. Whatever is not awarded
follows the refund policy (`challenges.services.funding.refundable_amount`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from challenges import money, policy
from challenges.models import Award, AwardState, Challenge, IPTerms, State, Submission
from challenges.services import funding, judging, posting


def _locked_challenge(challenge_id: int) -> Challenge:
    """The challenge row locked for this transaction (on SQLite @writes holds the write lock)."""
    return db.session.scalars(
        select(Challenge)
        .where(Challenge.id == challenge_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _locked_award(award_id: int) -> Award:
    return db.session.scalars(
        select(Award).where(Award.id == award_id).with_for_update().execution_options(populate_existing=True)
    ).one()


def _require_manager(actor: User, challenge: Challenge) -> None:
    if not policy.can_manage(actor, challenge):
        raise NotAllowed("Only the organisation's admins and product managers can make awards.")


def _after_deadline(challenge: Challenge, now: datetime) -> None:
    phase = challenge.phase(now)
    if phase == State.OPEN:
        raise Conflict("Awards are made once the submission deadline has passed.")
    if phase in (State.AWARDED, State.PAID):
        raise Conflict("This challenge has already been awarded.")
    if phase != State.CLOSED and phase != State.JUDGING:
        raise Conflict(f"A challenge that is {State.LABELS[phase].lower()} cannot be awarded.")


def phase(award: Award, now: datetime | None = None) -> str:
    """An offered award past its acceptance deadline has lapsed, whether or not it was passed on yet."""
    if award.state == AwardState.OFFERED and award.accept_by and (now or utcnow()) >= award.accept_by:
        return AwardState.LAPSED
    return award.state


def _offer(
    challenge: Challenge,
    submission: Submission,
    place: int,
    amount: int,
    actor: User,
    now: datetime,
    replaces: Award | None = None,
) -> Award:
    exclusive = challenge.ip_terms == IPTerms.EXCLUSIVE
    award = Award(
        challenge_id=challenge.id,
        submission_id=submission.id,
        solver_id=submission.solver_id,
        place=place,
        amount=amount,
        currency=challenge.currency,
        offered_at=now,
        state=AwardState.OFFERED if exclusive else AwardState.ACCEPTED,
        accept_by=now + timedelta(days=challenge.acceptance_days) if exclusive else None,
        accepted_at=None if exclusive else now,
        awarded_by_id=actor.id,
        replaces_id=replaces.id if replaces else None,
    )
    db.session.add(award)
    return award


def _publish(awards: list[Award], actor: User) -> None:
    for award in awards:
        events.publish(events.AwardOffered(award.id, award.challenge_id, actor.id))
        if award.state == AwardState.ACCEPTED:
            events.publish(events.AwardAccepted(award.id, award.challenge_id, actor.id))


def _check_allocations(challenge: Challenge, allocations: list[tuple[int, int]]) -> dict[int, Submission]:
    if not allocations:
        raise ValidationFailed("Give at least one submission an amount, or declare that there is no winner.")
    if len(allocations) > challenge.winner_count:
        raise ValidationFailed(
            f"This challenge has at most {challenge.winner_count} winner{'s' if challenge.winner_count != 1 else ''}."
        )
    ids = [submission_id for submission_id, _ in allocations]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("A submission can win only one award.")
    if any(isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0 for _, amount in allocations):
        raise ValidationFailed("Every award needs an amount greater than zero.")
    total = sum(amount for _, amount in allocations)
    if total > challenge.funded_amount:
        raise ValidationFailed(
            f"The awards add up to {money.format_money(total, challenge.currency)}, more than the funded "
            f"{money.format_money(challenge.funded_amount, challenge.currency)}."
        )
    submissions = {s.id: s for s in db.session.scalars(select(Submission).where(Submission.id.in_(ids)))}
    for submission_id in ids:
        submission = submissions.get(submission_id)
        if submission is None or submission.challenge_id != challenge.id:
            raise ValidationFailed("Awards go only to this challenge's submissions.")
        if not submission.is_active:
            raise ValidationFailed("A withdrawn submission cannot win.")
    return submissions


def preview(
    actor: User, challenge: Challenge, allocations: list[tuple[int, int]], now: datetime | None = None
) -> list[tuple[int, Submission, int]]:
    """What `award` would give, (place, submission, amount), checked the same way but writing
    nothing: for the confirmation step. Raises like `award`."""
    _require_manager(actor, challenge)
    _after_deadline(challenge, now or utcnow())
    submissions = _check_allocations(challenge, allocations)
    return [(place, submissions[sid], amount) for place, (sid, amount) in enumerate(allocations, start=1)]


@writes
def award(
    actor: User, challenge: Challenge, allocations: list[tuple[int, int]], now: datetime | None = None
) -> list[Award]:
    """Award (submission id, amount in minor units) pairs, first place first; the challenge is Awarded.

    Raises NotAllowed, Conflict (before the deadline, already awarded, cancelled) or ValidationFailed
    (too many winners, more than funded, a foreign or withdrawn submission)."""
    challenge = _locked_challenge(challenge.id)
    now = now or utcnow()
    submissions = {submission.id: submission for _, submission, _ in preview(actor, challenge, allocations, now)}
    awards = [
        _offer(challenge, submissions[submission_id], place, amount, actor, now)
        for place, (submission_id, amount) in enumerate(allocations, start=1)
    ]
    challenge.state, challenge.awarded_at, challenge.updated_at = State.AWARDED, now, now
    try:
        db.session.flush()
    except IntegrityError:  # the partial unique index on live places: another award got in first
        raise Conflict("This challenge has already been awarded.") from None
    _publish(awards, actor)
    db.session.commit()
    audit.event("challenge.awarded", challenge_id=challenge.id, user_id=actor.id, awards=len(awards))
    return awards


def declare_no_winner(actor: User, challenge: Challenge, reason: str, now: datetime | None = None) -> Challenge:
    """Close the challenge without a winner after the deadline: it is cancelled and the whole
    funded reward follows the refund policy. Raises like `posting.cancel`."""
    _require_manager(actor, challenge)
    _after_deadline(challenge, now or utcnow())
    return posting.cancel(actor, challenge, reason, now=now, no_winner=True)


def _winner_only(solver: User, award: Award) -> None:
    if not policy.signed_in(solver) or award.solver_id != solver.id:
        raise NotAllowed("Only the winner can answer this award.")


@writes
def accept_award(solver: User, award: Award, now: datetime | None = None) -> Award:
    """The winner accepts the award (and the exclusive assignment) before `accept_by`."""
    award = _locked_award(award.id)
    _winner_only(solver, award)
    now = now or utcnow()
    if award.state in (AwardState.ACCEPTED, AwardState.PAID):
        db.session.rollback()
        return award
    current = phase(award, now)
    if current == AwardState.LAPSED:
        raise Conflict("The time to accept this award has passed.")
    if current != AwardState.OFFERED:
        raise Conflict(f"This award is {AwardState.LABELS[current].lower()}.")
    award.state, award.accepted_at = AwardState.ACCEPTED, now
    events.publish(events.AwardAccepted(award.id, award.challenge_id, solver.id))
    db.session.commit()
    audit.event("challenge.award_accepted", award_id=award.id, user_id=solver.id)
    return award


@writes
def decline_award(solver: User, award: Award, now: datetime | None = None) -> Award:
    """The winner turns an offered award down; the organisation may pass it on."""
    award = _locked_award(award.id)
    _winner_only(solver, award)
    now = now or utcnow()
    current = phase(award, now)
    if current != AwardState.OFFERED:
        raise Conflict(f"This award is {AwardState.LABELS[current].lower()}; it can no longer be declined.")
    award.state, award.closed_at = AwardState.DECLINED, now
    db.session.commit()
    audit.event("challenge.award_declined", award_id=award.id, user_id=solver.id)
    return award


def can_pass(award: Award, now: datetime | None = None) -> bool:
    """Lapsed or declined and not released (whether it was passed on already is asked separately)."""
    return phase(award, now) in AwardState.PASSABLE


def next_in_line(challenge: Challenge) -> Submission | None:
    """The best-ranked scored active submission that has never had an award of this challenge
    (an award never goes to a submission no judge scored)."""
    taken = set(db.session.scalars(select(Award.submission_id).where(Award.challenge_id == challenge.id)))
    for result in judging.results(challenge):
        if result.total is not None and result.submission.id not in taken:
            return result.submission
    return None


def _passable(challenge: Challenge, award: Award, now: datetime) -> None:
    """Raise Conflict unless the award's amount is still held: it lapsed or was declined and was
    neither passed on nor released, and the challenge is not paid out."""
    if award.state == AwardState.RELEASED:
        raise Conflict("This award's amount was released for a refund; it can no longer be passed on.")
    if challenge.state != State.AWARDED:
        raise Conflict(
            f"This challenge is {State.LABELS[challenge.state].lower()}; its awards can no longer be passed on."
        )
    if not can_pass(award, now):
        raise Conflict("Only an award that lapsed or was declined can pass to the next submission.")
    if db.session.scalar(select(Award.id).where(Award.replaces_id == award.id)) is not None:
        raise Conflict("This award has already passed to the next submission.")


@writes
def pass_award(actor: User, award: Award, now: datetime | None = None) -> tuple[Award, Award | None]:
    """A lapsed or declined award goes, same place and amount, to the next-ranked submission.

    Returns (the old award, the new one or None when no submission is left: the award is then
    released and its amount refunded). Raises NotAllowed or Conflict (the award is still live, was
    passed on or released already, or the challenge is no longer awarded)."""
    challenge = _locked_challenge(award.challenge_id)
    _require_manager(actor, challenge)
    award = _locked_award(award.id)
    now = now or utcnow()
    _passable(challenge, award, now)
    if award.state == AwardState.OFFERED:
        award.state, award.closed_at = AwardState.LAPSED, now
    db.session.flush()
    successor = next_in_line(challenge)
    new = None
    if successor is not None:
        new = _offer(challenge, successor, award.place, award.amount, actor, now, replaces=award)
        try:
            db.session.flush()
        except IntegrityError:
            raise Conflict("This place has already been awarded again.") from None
        _publish([new], actor)
    else:
        award.state = AwardState.RELEASED
        funding.close_if_paid(challenge, now)
    challenge.updated_at = now
    db.session.commit()
    audit.event("challenge.award_passed", award_id=award.id, new_award_id=new.id if new else None, user_id=actor.id)
    return award, new


@writes
def release_award(actor: User, award: Award, now: datetime | None = None) -> Award:
    """Refund a lapsed or declined award's amount instead of passing it on; final.

    Raises NotAllowed or Conflict like `pass_award`."""
    challenge = _locked_challenge(award.challenge_id)
    _require_manager(actor, challenge)
    award = _locked_award(award.id)
    now = now or utcnow()
    _passable(challenge, award, now)
    award.state, award.closed_at = AwardState.RELEASED, award.closed_at or now
    db.session.flush()
    events.publish(events.AwardReleased(award.id, challenge.id, actor.id))
    funding.close_if_paid(challenge, now)
    challenge.updated_at = now
    db.session.commit()
    audit.event("challenge.award_released", award_id=award.id, user_id=actor.id)
    return award


def awards_of(challenge: Challenge) -> list[Award]:
    """Every award of the challenge, by place, live ones before those they replaced."""
    return list(
        db.session.scalars(
            select(Award).where(Award.challenge_id == challenge.id).order_by(Award.place, Award.id.desc())
        )
    )


def suggested_allocation(challenge: Challenge, ranked: list[judging.Result]) -> dict[int, tuple[int, int]]:
    """The advertised split of the funded reward over the top-ranked scored submissions:
    submission id -> (place, amount)."""
    shares = money.split_amount(challenge.funded_amount, [p.percent for p in challenge.prizes])
    scored = [r for r in ranked if r.total is not None]
    return {
        result.submission.id: (place, amount) for place, (result, amount) in enumerate(zip(scored, shares), start=1)
    }
