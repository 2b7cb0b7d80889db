"""Posting a challenge and moving it through its life: Draft -> Awaiting funding -> Open ->
(Closed, by the clock) -> Judging -> Awarded -> Paid, or Cancelled.

Opening is not here: only the funding seam (`challenges.services.funding.mark_funded`) opens a
challenge, once its reward is paid in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from app import audit, events
from app.auth.models import User
from app.clock import utcnow
from app.db_types import writes
from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from app.orgs.models import Organisation
from challenges import money, policy
from challenges.models import Challenge, ChallengeIdea, ChallengeType, Criterion, DeadlineChange, IPTerms, Prize, State
from challenges.services import judging
from ideas.models import Board, Idea

TITLE_MAX, SUMMARY_MAX, TEXT_MAX = 160, 400, 50_000
MAX_CRITERIA, MAX_WINNERS = 10, 10
# A challenge must stay open at least this long after it is posted for funding.
MIN_OPEN = timedelta(days=1)


@dataclass
class ChallengeInput:
    """Everything the posting form (or the API) gives. Amounts in minor units."""

    title: str
    summary: str
    statement: str
    reward_amount: int
    deadline: datetime
    type: str = ChallengeType.IDEATION
    currency: str = "usd"
    ip_terms: str = IPTerms.NON_EXCLUSIVE
    eligibility: str = ""
    confidential_material: str = ""
    acceptance_days: int = 14
    # (name, weight, description)
    criteria: list[tuple[str, int, str]] = field(default_factory=list)
    # Percent of the reward per place, first place first: [60, 30, 10] or [100].
    split: list[int] = field(default_factory=lambda: [100])
    idea_ids: list[int] = field(default_factory=list)


# Fields an open challenge may still change (the rest are what solvers agreed to or were promised).
EDITABLE_WHILE_OPEN = ("title", "summary", "statement", "confidential_material", "eligibility")


def validate(data: ChallengeInput, now: datetime) -> dict[str, list[str]]:
    """Field -> messages; empty when the input is acceptable."""
    errors: dict[str, list[str]] = {}

    def bad(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.title, data.summary = (data.title or "").strip(), (data.summary or "").strip()
    data.statement = (data.statement or "").strip()
    if not 5 <= len(data.title) <= TITLE_MAX:
        bad("title", f"Give a title of 5 to {TITLE_MAX} characters.")
    if not 10 <= len(data.summary) <= SUMMARY_MAX:
        bad("summary", f"Give a summary of 10 to {SUMMARY_MAX} characters.")
    if not 20 <= len(data.statement) <= TEXT_MAX:
        bad("statement", "Describe the problem in at least 20 characters.")
    for name in ("eligibility", "confidential_material"):
        if len(getattr(data, name) or "") > TEXT_MAX:
            bad(name, "This is too long.")
    if data.type not in ChallengeType.LABELS:
        bad("type", "Choose one of the challenge types.")
    if data.ip_terms not in IPTerms.LABELS:
        bad("ip_terms", "Choose one of the IP terms.")
    data.currency = (data.currency or "").lower()
    if data.currency not in money.CURRENCIES:
        bad("currency", "Choose one of the listed currencies.")
    else:
        unit = 10 ** money.exponent(data.currency)
        if not isinstance(data.reward_amount, int) or not (
            money.MIN_MAJOR * unit <= data.reward_amount <= money.MAX_MAJOR * unit
        ):
            bad(
                "reward_amount",
                f"The reward must be between {money.format_money(money.MIN_MAJOR * unit, data.currency)}"
                f" and {money.format_money(money.MAX_MAJOR * unit, data.currency)}.",
            )
    if data.deadline is None or data.deadline.tzinfo is None:
        bad("deadline", "Give the submission deadline.")
    elif data.deadline < now + MIN_OPEN:
        bad("deadline", "The deadline must be at least a day from now.")
    if not isinstance(data.acceptance_days, int) or not 1 <= data.acceptance_days <= 90:
        bad("acceptance_days", "Give winners between 1 and 90 days to accept.")
    if not data.criteria:
        bad("criteria", "Add at least one judging criterion.")
    elif len(data.criteria) > MAX_CRITERIA:
        bad("criteria", f"Use at most {MAX_CRITERIA} criteria.")
    else:
        names = [(name or "").strip() for name, _, _ in data.criteria]
        if any(not name or len(name) > 120 for name in names):
            bad("criteria", "Every criterion needs a name of at most 120 characters.")
        if len({name.lower() for name in names}) != len(names):
            bad("criteria", "Two criteria have the same name.")
        if any(not isinstance(weight, int) or not 1 <= weight <= 100 for _, weight, _ in data.criteria):
            bad("criteria", "Weights are whole numbers from 1 to 100.")
    if not data.split or len(data.split) > MAX_WINNERS:
        bad("split", f"Choose between 1 and {MAX_WINNERS} winners.")
    elif any(not isinstance(p, int) or p <= 0 for p in data.split) or sum(data.split) != 100:
        bad(
            "split",
            f"The split must add up to 100 % (it adds up to {sum(p for p in data.split if isinstance(p, int))} %).",
        )
    elif data.split != sorted(data.split, reverse=True):
        bad("split", "A lower place cannot get more than a higher one.")
    return errors


def _check(data: ChallengeInput, now: datetime) -> None:
    errors = validate(data, now)
    if errors:
        raise ValidationFailed("Please correct the highlighted fields.", errors)


def _linked_ideas(organisation: Organisation, idea_ids: list[int]) -> list[int]:
    """Only the organisation's own ideas can be linked."""
    if not idea_ids:
        return []
    return list(
        db.session.scalars(
            select(Idea.id).join(Board).where(Idea.id.in_(idea_ids), Board.organisation_id == organisation.id)
        )
    )


def _apply(challenge: Challenge, data: ChallengeInput) -> None:
    for name in (
        "title",
        "summary",
        "statement",
        "type",
        "reward_amount",
        "currency",
        "deadline",
        "ip_terms",
        "confidential_material",
        "acceptance_days",
    ):
        setattr(challenge, name, getattr(data, name))
    challenge.eligibility = (data.eligibility or "").strip()
    challenge.winner_count = len(data.split)
    if challenge.id is not None:
        # The old prizes must go before the new ones arrive: (challenge, place) is unique, and the
        # unit of work would insert the new rows before deleting the orphans.
        challenge.prizes = []
        db.session.flush()
    challenge.criteria = [
        Criterion(name=name.strip(), weight=weight, description=(description or "").strip(), position=i)
        for i, (name, weight, description) in enumerate(data.criteria)
    ]
    challenge.prizes = [Prize(place=i + 1, percent=p) for i, p in enumerate(data.split)]


@writes
def create_challenge(
    actor: User, organisation: Organisation, data: ChallengeInput, now: datetime | None = None
) -> Challenge:
    """A new Draft. Raises NotAllowed (not an admin or PM) or ValidationFailed."""
    if not policy.can_post(actor, organisation):
        raise NotAllowed("Only the organisation's admins and product managers can post challenges.")
    now = now or utcnow()
    _check(data, now)
    challenge = Challenge(
        organisation_id=organisation.id, created_by_id=actor.id, created_at=now, updated_at=now, state=State.DRAFT
    )
    challenge.organisation = organisation
    _apply(challenge, data)
    db.session.add(challenge)
    db.session.flush()
    for idea_id in _linked_ideas(organisation, data.idea_ids):
        db.session.add(ChallengeIdea(challenge_id=challenge.id, idea_id=idea_id))
    db.session.commit()
    audit.event("challenge.created", challenge_id=challenge.id, user_id=actor.id)
    return challenge


def _locked(challenge: Challenge) -> Challenge:
    """The challenge row, locked for this transaction (where the database has row locks)."""
    return db.session.scalars(select(Challenge).where(Challenge.id == challenge.id).with_for_update()).one()


def _require_manager(actor: User, challenge: Challenge) -> None:
    if not policy.can_manage(actor, challenge):
        raise NotAllowed("Only the organisation's admins and product managers can change this challenge.")


@writes
def update_challenge(actor: User, challenge: Challenge, data: ChallengeInput, now: datetime | None = None) -> Challenge:
    """Before funding everything can change. Once open, only the wording can: reward, split, criteria,
    type, IP terms and deadline are what solvers were promised (the deadline moves by `extend_deadline`).
    A change to the eligibility asks solvers to accept the terms again."""
    challenge = _locked(challenge)
    _require_manager(actor, challenge)
    now = now or utcnow()
    if challenge.state in (State.DRAFT, State.AWAITING_FUNDING):
        if challenge.state == State.AWAITING_FUNDING and (
            data.reward_amount != challenge.reward_amount or data.currency.lower() != challenge.currency
        ):
            raise Conflict("The reward is awaiting funding; move the challenge back to draft to change it.")
        _check(data, now)
        _apply(challenge, data)
        db.session.execute(delete(ChallengeIdea).where(ChallengeIdea.challenge_id == challenge.id))
        for idea_id in _linked_ideas(challenge.organisation, data.idea_ids):
            db.session.add(ChallengeIdea(challenge_id=challenge.id, idea_id=idea_id))
    elif challenge.phase(now) == State.OPEN:
        # Validate the wording only: the rest is checked against what is stored.
        data.deadline, data.reward_amount, data.currency = (
            challenge.deadline,
            challenge.reward_amount,
            challenge.currency,
        )
        errors = {
            name: messages
            for name, messages in validate(data, challenge.opened_at or now).items()
            if name in EDITABLE_WHILE_OPEN
        }
        if errors:
            raise ValidationFailed("Please correct the highlighted fields.", errors)
        if (data.eligibility or "").strip() != challenge.eligibility:
            challenge.terms_version += 1
        for name in EDITABLE_WHILE_OPEN:
            value = getattr(data, name)
            setattr(challenge, name, value.strip() if isinstance(value, str) else value)
    else:
        raise Conflict(f"A challenge that is {State.LABELS[challenge.phase(now)].lower()} can no longer be edited.")
    challenge.updated_at = now
    db.session.commit()
    return challenge


@writes
def request_funding(actor: User, challenge: Challenge, now: datetime | None = None) -> Challenge:
    """Draft -> Awaiting funding: the details are final; the organisation now pays the reward in."""
    challenge = _locked(challenge)
    _require_manager(actor, challenge)
    if challenge.state != State.DRAFT:
        raise Conflict("Only a draft can be sent for funding.")
    now = now or utcnow()
    if challenge.deadline < now + MIN_OPEN:
        raise ValidationFailed(
            "The deadline is too close; move it at least a day out first.", {"deadline": ["At least a day from now."]}
        )
    challenge.state, challenge.updated_at = State.AWAITING_FUNDING, now
    db.session.commit()
    audit.event("challenge.awaiting_funding", challenge_id=challenge.id, user_id=actor.id)
    return challenge


@writes
def back_to_draft(actor: User, challenge: Challenge, now: datetime | None = None) -> Challenge:
    challenge = _locked(challenge)
    _require_manager(actor, challenge)
    if challenge.state != State.AWAITING_FUNDING or challenge.funded_amount:
        raise Conflict("Only a challenge awaiting funding, with nothing paid in, can go back to draft.")
    challenge.state, challenge.updated_at = State.DRAFT, now or utcnow()
    db.session.commit()
    return challenge


@writes
def extend_deadline(
    actor: User, challenge: Challenge, new_deadline: datetime, reason: str = "", now: datetime | None = None
) -> DeadlineChange:
    """Later only, never earlier. Possible while open, and after the deadline passed as long as judging
    has not started (it reopens submissions). Solvers are told."""
    challenge = _locked(challenge)
    _require_manager(actor, challenge)
    now = now or utcnow()
    if challenge.state not in (State.OPEN, State.DRAFT, State.AWAITING_FUNDING):
        raise Conflict("The deadline can be extended only until judging starts.")
    if challenge.state == State.OPEN and challenge.deadline <= now and judging.has_begun(challenge):
        raise Conflict(
            "The judges have already scored, shortlisted or given feedback on submissions: "
            "the deadline can no longer be extended."
        )
    if new_deadline is None or new_deadline.tzinfo is None:
        raise ValidationFailed("Give the new deadline.", {"deadline": ["Required."]})
    if new_deadline <= challenge.deadline:
        raise ValidationFailed(
            "A deadline can only be extended, never shortened.",
            {"deadline": ["Choose a time after the current deadline."]},
        )
    if new_deadline <= now:
        raise ValidationFailed("The new deadline must be in the future.", {"deadline": ["In the past."]})
    change = DeadlineChange(
        challenge_id=challenge.id,
        old_deadline=challenge.deadline,
        new_deadline=new_deadline,
        reason=(reason or "").strip()[:TEXT_MAX],
        changed_by_id=actor.id,
        changed_at=now,
    )
    db.session.add(change)
    old = challenge.deadline
    challenge.deadline, challenge.updated_at = new_deadline, now
    if challenge.state == State.OPEN:
        events.publish(events.ChallengeDeadlineExtended(challenge.id, old, new_deadline, actor.id))
    db.session.commit()
    audit.event("challenge.deadline_extended", challenge_id=challenge.id, user_id=actor.id)
    return change


@writes
def start_judging(actor: User, challenge: Challenge, now: datetime | None = None) -> Challenge:
    """Closed -> Judging: no more extensions; judges work on a fixed set of submissions."""
    challenge = _locked(challenge)
    _require_manager(actor, challenge)
    now = now or utcnow()
    if challenge.phase(now) != State.CLOSED:
        raise Conflict("Judging starts once the deadline has passed.")
    challenge.state, challenge.judging_at, challenge.updated_at = State.JUDGING, now, now
    db.session.commit()
    return challenge


def cancellation_needs_reason(challenge: Challenge) -> bool:
    return challenge.funded_amount > 0 or challenge.submission_count > 0 or challenge.opened_at is not None


@writes
def cancel(
    actor: User, challenge: Challenge, reason: str = "", now: datetime | None = None, no_winner: bool = False
) -> Challenge:
    """Withdraw the challenge before any award. Once it opened, a reason is required and shown to
    solvers; the funds follow the refund policy (the payments code listens for ChallengeCancelled).
    `no_winner` records that judging ended without a winner."""
    challenge = _locked(challenge)
    _require_manager(actor, challenge)
    now = now or utcnow()
    if challenge.state in (State.AWARDED, State.PAID, State.CANCELLED):
        raise Conflict(f"A challenge that is {State.LABELS[challenge.state].lower()} cannot be cancelled.")
    reason = (reason or "").strip()[:TEXT_MAX]
    if cancellation_needs_reason(challenge) and len(reason) < 10:
        raise ValidationFailed(
            "Tell solvers why (at least 10 characters): they are notified.", {"reason": ["Give a reason."]}
        )
    challenge.state, challenge.cancelled_at, challenge.updated_at = State.CANCELLED, now, now
    challenge.cancel_reason, challenge.no_winner = reason, no_winner
    events.publish(events.ChallengeCancelled(challenge.id, reason, actor.id))
    db.session.commit()
    audit.event("challenge.cancelled", challenge_id=challenge.id, user_id=actor.id, no_winner=no_winner)
    return challenge
