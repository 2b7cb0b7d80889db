"""Challenges: a problem with a funded reward, the agreements solvers accept, their confidential
submissions (with earlier versions and attachments), questions, judges' scores and awards.

Money is in integer minor units (cents) with the currency beside it. The stored `state` moves by
explicit actions; "Closed" is not stored: an open challenge whose deadline has passed is closed,
computed from the clock (`Challenge.phase`), so correctness never waits for a job.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.clock import utcnow
from app.db_types import UTCDateTime
from app.extensions import db
from app.orgs.models import Organisation


class ChallengeType:
    IDEATION = "ideation"
    THEORETICAL = "theoretical"
    REDUCTION_TO_PRACTICE = "rtp"
    PRIZE = "prize"

    LABELS = {
        IDEATION: "Ideation",
        THEORETICAL: "Theoretical",
        REDUCTION_TO_PRACTICE: "Reduction to practice",
        PRIZE: "Prize",
    }
    HINTS = {
        IDEATION: "Broad ideas, a short written proposal; usually several smaller awards.",
        THEORETICAL: "A detailed written solution, with the reasoning that supports it.",
        REDUCTION_TO_PRACTICE: "A working solution with evidence (data, a prototype) that it works.",
        PRIZE: "A clear target to reach; the award goes to whoever meets it best.",
    }


class IPTerms:
    SOLVER_KEEPS = "solver_keeps"
    NON_EXCLUSIVE = "non_exclusive"
    EXCLUSIVE = "exclusive"

    LABELS = {
        SOLVER_KEEPS: "Solver keeps the IP",
        NON_EXCLUSIVE: "Non-exclusive licence",
        EXCLUSIVE: "Exclusive assignment on award",
    }
    TEXT = {
        SOLVER_KEEPS: "You keep all rights to your solution. The organisation may read and evaluate it "
        "in confidence; it gains no licence by doing so or by making an award.",
        NON_EXCLUSIVE: "You keep ownership of your solution. If it wins an award you grant the "
        "organisation a perpetual, worldwide, non-exclusive licence to use it.",
        EXCLUSIVE: "If your solution wins an award, you assign all rights in it to the organisation "
        "in exchange for the award, and you must confirm the assignment before you are paid.",
    }


class State:
    DRAFT = "draft"
    AWAITING_FUNDING = "awaiting_funding"
    OPEN = "open"
    JUDGING = "judging"
    AWARDED = "awarded"
    PAID = "paid"
    CANCELLED = "cancelled"
    # Not stored: an open challenge after its deadline.
    CLOSED = "closed"

    LABELS = {
        DRAFT: "Draft",
        AWAITING_FUNDING: "Awaiting funding",
        OPEN: "Open",
        CLOSED: "Closed",
        JUDGING: "Judging",
        AWARDED: "Awarded",
        PAID: "Paid",
        CANCELLED: "Cancelled",
    }
    STORED = (DRAFT, AWAITING_FUNDING, OPEN, JUDGING, AWARDED, PAID, CANCELLED)
    # Shown to the public (the others only to the organisation).
    PUBLIC = (OPEN, JUDGING, AWARDED, PAID)


class Challenge(db.Model):
    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint("reward_amount > 0", name="reward_positive"),
        CheckConstraint("winner_count >= 1", name="winners_positive"),
        CheckConstraint("funded_amount >= 0", name="funded_not_negative"),
        Index("ix_challenges_state_deadline", "state", "deadline"),
        Index("ix_challenges_org_state", "organisation_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(String(400))
    statement: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(20), default=ChallengeType.IDEATION)
    reward_amount: Mapped[int] = mapped_column(Integer)  # minor units
    currency: Mapped[str] = mapped_column(String(3), default="usd")  # ISO 4217, lower case as Stripe
    winner_count: Mapped[int] = mapped_column(default=1)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    ip_terms: Mapped[str] = mapped_column(String(20), default=IPTerms.NON_EXCLUSIVE)
    eligibility: Mapped[str] = mapped_column(Text, default="")
    confidential_material: Mapped[str] = mapped_column(Text, default="")
    # Days a winner has to accept an exclusive assignment before the award may pass on.
    acceptance_days: Mapped[int] = mapped_column(default=14)
    # Bumped whenever anything solvers agree to changes, so an agreement names what was accepted.
    terms_version: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(20), default=State.DRAFT)
    # Set by the payments seam (challenges.services.funding) when the reward is paid in.
    funded_amount: Mapped[int] = mapped_column(Integer, default=0)
    funding_reference: Mapped[str] = mapped_column(String(255), default="")
    submission_count: Mapped[int] = mapped_column(default=0)
    solver_count: Mapped[int] = mapped_column(default=0)  # accepted agreements
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    judging_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    # True when the organisation closed it without choosing a winner (a cancellation after judging).
    no_winner: Mapped[bool] = mapped_column(default=False)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="Criterion.position"
    )
    prizes: Mapped[list[Prize]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="Prize.place"
    )

    def phase(self, now: datetime | None = None) -> str:
        """The state a person sees: an open challenge past its deadline is Closed."""
        if self.state == State.OPEN and (now or utcnow()) >= self.deadline:
            return State.CLOSED
        return self.state

    def accepts_submissions(self, now: datetime | None = None) -> bool:
        return self.phase(now) == State.OPEN

    @property
    def is_public(self) -> bool:
        """Seen by everyone once it opened (a cancelled challenge that was open stays visible)."""
        return self.state in State.PUBLIC or (self.state == State.CANCELLED and self.opened_at is not None)

    @property
    def weight_total(self) -> int:
        return sum(criterion.weight for criterion in self.criteria)

    def __repr__(self) -> str:
        return f"<Challenge {self.id} {self.state}>"


class Criterion(db.Model):
    """A judging criterion; a submission's total is the weighted mean of its scores (0–10)."""

    __tablename__ = "challenge_criteria"
    __table_args__ = (CheckConstraint("weight > 0", name="weight_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(default=0)

    challenge: Mapped[Challenge] = relationship(back_populates="criteria")


class Prize(db.Model):
    """The advertised split: place 1 gets `percent` of the reward, and so on (they add up to 100)."""

    __tablename__ = "challenge_prizes"
    __table_args__ = (
        UniqueConstraint("challenge_id", "place"),
        CheckConstraint("percent > 0 AND percent <= 100", name="percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    place: Mapped[int] = mapped_column()
    percent: Mapped[int] = mapped_column()

    challenge: Mapped[Challenge] = relationship(back_populates="prizes")


class ChallengeIdea(db.Model):
    """An idea the challenge answers ("turn a top idea into a challenge")."""

    __tablename__ = "challenge_ideas"

    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True, index=True)


class DeadlineChange(db.Model):
    """Every extension, kept so solvers can see when and why the deadline moved."""

    __tablename__ = "challenge_deadline_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    old_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    new_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Agreement(db.Model):
    """A solver accepted the challenge's terms: which version, its digest, and when."""

    __tablename__ = "challenge_agreements"
    __table_args__ = (
        UniqueConstraint("challenge_id", "user_id", "terms_version"),
        Index("ix_challenge_agreements_user", "user_id", "challenge_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    terms_version: Mapped[int] = mapped_column()
    terms_digest: Mapped[str] = mapped_column(String(64))  # sha256 of the exact text shown
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class SubmissionState:
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class Submission(db.Model):
    """A solver's current solution to a challenge; earlier versions are SubmissionVersion rows."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("challenge_id", "solver_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    solver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(20), default=SubmissionState.ACTIVE)
    shortlisted: Mapped[bool] = mapped_column(default=False)
    feedback: Mapped[str] = mapped_column(Text, default="")  # private, from the organisation
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    solver: Mapped[User] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="submission",
        order_by="Attachment.id",
        primaryjoin="and_(Attachment.submission_id == Submission.id, Attachment.removed_at.is_(None))",
        viewonly=True,
    )

    @property
    def is_active(self) -> bool:
        return self.state == SubmissionState.ACTIVE


class SubmissionVersion(db.Model):
    """A submission as it stood before an edit (or withdrawal): nothing a solver sent is lost."""

    __tablename__ = "submission_versions"
    __table_args__ = (UniqueConstraint("submission_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    attachment_ids: Mapped[str] = mapped_column(Text, default="")  # comma-separated, as they stood
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(db.Model):
    """An uploaded file, stored under UPLOAD_DIR with a generated name; never served inline."""

    __tablename__ = "submission_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))  # the solver's name for it, made safe
    content_type: Mapped[str] = mapped_column(String(100))  # sniffed from the content
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Removed from the current version; the file stays for the versions that listed it.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship(back_populates="attachments")


class Question(db.Model):
    """A solver's question; the organisation answers publicly (a clarification) or privately.
    A clarification posted by the organisation itself has no asker."""

    __tablename__ = "challenge_questions"
    __table_args__ = (Index("ix_challenge_questions_challenge", "challenge_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(default=False)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    asker: Mapped[User | None] = relationship(foreign_keys=[asker_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class Score(db.Model):
    """One judge's score (0–10) of one submission on one criterion."""

    __tablename__ = "submission_scores"
    __table_args__ = (
        UniqueConstraint("submission_id", "judge_id", "criterion_id"),
        CheckConstraint("value >= 0 AND value <= 10", name="value_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("challenge_criteria.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")  # for the other judges, never the solver
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    judge: Mapped[User] = relationship()


class AwardState:
    OFFERED = "offered"  # waits for the winner to accept an exclusive assignment
    ACCEPTED = "accepted"  # payable
    LAPSED = "lapsed"  # not accepted in time; passed to the next-ranked submission
    DECLINED = "declined"  # the winner turned it down; passed on likewise
    PAID = "paid"  # set by the payments seam
    # A lapsed or declined award the organisation chose not to pass on (or nobody was left to take):
    # its amount is refunded and the place can no longer be given again.
    RELEASED = "released"

    LABELS = {
        OFFERED: "Awaiting acceptance",
        ACCEPTED: "Accepted",
        LAPSED: "Lapsed",
        DECLINED: "Declined",
        PAID: "Paid",
        RELEASED: "Refunded instead",
    }
    LIVE = (OFFERED, ACCEPTED, PAID)
    # Lapsed or declined and not yet passed on: the amount is held until the organisation decides.
    PASSABLE = (LAPSED, DECLINED)


class Award(db.Model):
    """A share of the reward given to one submission. The seam where money moves: payments turn
    accepted awards into payouts and report back with `challenges.services.funding.mark_award_paid`."""

    __tablename__ = "challenge_awards"
    __table_args__ = (
        UniqueConstraint("challenge_id", "submission_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_challenge_awards_solver", "solver_id", "state"),
        # One live award per place: two racing "award" clicks cannot both give 1st place.
        Index(
            "uq_challenge_awards_live_place",
            "challenge_id",
            "place",
            unique=True,
            sqlite_where=text("state IN ('offered', 'accepted', 'paid')"),
            postgresql_where=text("state IN ('offered', 'accepted', 'paid')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    solver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    place: Mapped[int] = mapped_column()
    amount: Mapped[int] = mapped_column(Integer)  # minor units, in the challenge's currency
    currency: Mapped[str] = mapped_column(String(3))
    state: Mapped[str] = mapped_column(String(20), default=AwardState.OFFERED)
    # The award this one replaced (it lapsed or was declined), so the chain is visible.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("challenge_awards.id", ondelete="SET NULL"))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accept_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # lapsed, declined or paid
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    challenge: Mapped[Challenge] = relationship()
    submission: Mapped[Submission] = relationship()
    solver: Mapped[User] = relationship(foreign_keys=[solver_id])


class ReminderSent(db.Model):
    """One deadline reminder per challenge and solver, ever (the unique key makes sure)."""

    __tablename__ = "notification_reminders"
    __table_args__ = (UniqueConstraint("challenge_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
