"""The JSON shapes of challenges, agreements, submissions, questions, scores and awards in the API
(`challenges/api*.py`).

Inputs follow `ideas/schemas.py`: strict types, NUL characters dropped, ids bounded to the database
range, and the services' cheap rules stated in the schema. Amounts are integer minor units (cents)
with the currency beside them. Times are RFC 3339 with an offset; a time without one is refused,
since nobody can tell which deadline it meant.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from flask import url_for
from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema

from app.api.fields import text, trimmed_text
from app.api.pagination import Page, PageQuery
from app.markdown import render_markdown
from challenges import money
from challenges.models import (
    Award,
    AwardState,
    Challenge,
    ChallengeType,
    DeadlineChange,
    IPTerms,
    Question,
    State,
    Submission,
)
from challenges.services import judging, posting, solving
from ideas.schemas import MAX_ID, Id, OrganisationSummary, StrictInput, UserRef, user_ref, whole_number

__all__ = ["MAX_ID"]

Phase = Literal["draft", "awaiting_funding", "open", "closed", "judging", "awarded", "paid", "cancelled"]
ChallengeTypeCode = Literal["ideation", "theoretical", "rtp", "prize"]
IPTermsCode = Literal["solver_keeps", "non_exclusive", "exclusive"]
Currency = Literal["usd", "eur", "gbp", "cad", "aud", "chf", "jpy"]
AwardPhase = Literal["offered", "accepted", "lapsed", "declined", "paid", "released"]
assert set(Phase.__args__) == set(State.LABELS) and set(ChallengeTypeCode.__args__) == set(ChallengeType.LABELS)
assert set(IPTermsCode.__args__) == set(IPTerms.LABELS) and set(Currency.__args__) == set(money.CURRENCIES)
assert set(AwardPhase.__args__) == set(AwardState.LABELS)

RFC3339_HINT = "Give a date and time in RFC 3339 form with its offset, e.g. 2030-01-31T17:00:00+01:00."


def _rfc3339(value):
    """An aware datetime in UTC from RFC 3339 text; naive times are refused, not guessed."""
    if not isinstance(value, str):
        raise ValueError(RFC3339_HINT)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(RFC3339_HINT) from None
    if parsed.tzinfo is None:
        raise ValueError("Give the time with its offset from UTC (Z or +01:00): a time without one is ambiguous.")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError("That date is out of range.") from None


def timestamp(description: str = "RFC 3339 with an offset (Z or ±hh:mm)."):
    """An aware time from RFC 3339 text; its description sits in its own schema, where an optional
    field (`anyOf` with null) still shows it."""
    return Annotated[
        datetime,
        BeforeValidator(_rfc3339),
        WithJsonSchema({"type": "string", "format": "date-time", "description": description}),
    ]


Timestamp = timestamp()


def _html(source: str | None) -> str:
    return str(render_markdown(source)) if source else ""


class MoneyOut(BaseModel):
    amount: int = Field(description="Minor units (cents); whole units for zero-decimal currencies such as jpy.")
    currency: Currency
    display: str = Field(description="For people, e.g. `$5,000`.")


def money_out(amount: int, currency: str) -> MoneyOut:
    return MoneyOut(amount=amount, currency=currency, display=money.format_money(amount, currency))


# ---- challenges ----------------------------------------------------------------------------------


class ChallengeOut(BaseModel):
    id: int
    organisation: OrganisationSummary
    title: str
    summary: str
    type: ChallengeTypeCode
    type_label: str
    phase: Phase = Field(description="The state as of now: an open challenge past its deadline is `closed`.")
    phase_label: str
    reward: MoneyOut
    winner_count: int
    deadline: datetime = Field(description="When submissions close, in UTC.")
    submission_count: int | None = Field(
        description="Active submissions; null for anyone outside the organisation (as on the site)."
    )
    solver_count: int = Field(description="Solvers who accepted the agreement.")
    created_at: datetime
    opened_at: datetime | None
    awarded_at: datetime | None
    url: str = Field(description="The challenge's page on the site.")


def _challenge_fields(challenge: Challenge, member: bool, now: datetime | None = None) -> dict:
    organisation, phase = challenge.organisation, challenge.phase(now)
    return dict(
        id=challenge.id,
        title=challenge.title,
        summary=challenge.summary,
        type=challenge.type,
        organisation=OrganisationSummary(id=organisation.id, slug=organisation.slug, name=organisation.name),
        type_label=ChallengeType.LABELS[challenge.type],
        phase=phase,
        phase_label=State.LABELS[phase],
        reward=money_out(challenge.reward_amount, challenge.currency),
        winner_count=challenge.winner_count,
        deadline=challenge.deadline,
        submission_count=challenge.submission_count if member else None,
        solver_count=challenge.solver_count,
        created_at=challenge.created_at,
        opened_at=challenge.opened_at,
        awarded_at=challenge.awarded_at,
        url=url_for("challenges.show", challenge_id=challenge.id, _external=True),
    )


def challenge_out(challenge: Challenge, member: bool) -> ChallengeOut:
    """Reads `organisation`: eager-load it for lists. `member`: the caller belongs to the organisation."""
    return ChallengeOut(**_challenge_fields(challenge, member))


class ChallengePage(Page[ChallengeOut]):
    pass


class CriterionOut(BaseModel):
    id: int
    name: str
    description: str
    weight: int = Field(description="Relative weight in a submission's total.")


class PrizeOut(BaseModel):
    place: int
    percent: int
    amount: MoneyOut = Field(description="The place's share of the reward.")


class DeadlineChangeOut(BaseModel):
    old_deadline: datetime
    new_deadline: datetime
    reason: str
    changed_at: datetime


class CallerView(BaseModel):
    """What the caller may do with the challenge."""

    can_manage: bool = Field(description="An admin or product manager of the organisation.")
    can_judge: bool = Field(description="A judge of the organisation: sees and scores every submission.")
    has_agreed: bool = Field(description="Accepted the current version of the agreement.")
    submission_id: int | None = Field(description="Your submission, if you made one.")


class ChallengeDetail(ChallengeOut):
    statement: str = Field(description="Markdown source.")
    statement_html: str = Field(description="Rendered to sanitised HTML.")
    eligibility: str
    ip_terms: IPTermsCode
    ip_terms_label: str
    acceptance_days: int = Field(description="Days a winner has to accept an exclusive assignment.")
    terms_version: int = Field(description="Bumped when what solvers agree to changes; accept again then.")
    criteria: list[CriterionOut]
    prizes: list[PrizeOut]
    funded_amount: int = Field(description="Minor units paid in; the challenge opens once it covers the reward.")
    confidential_material: str | None = Field(
        description="Markdown; null unless you accepted the agreement or belong to the organisation."
    )
    confidential_material_html: str | None
    idea_ids: list[int] = Field(description="The ideas it answers that you may see.")
    deadline_changes: list[DeadlineChangeOut] = Field(description="Every extension, oldest first.")
    cancel_reason: str
    no_winner: bool = Field(description="Closed after judging without a winner.")
    you: CallerView


def challenge_detail(
    challenge: Challenge,
    *,
    member: bool,
    confidential: bool,
    idea_ids: list[int],
    changes: list[DeadlineChange],
    you: CallerView,
) -> ChallengeDetail:
    shares = money.split_amount(challenge.reward_amount, [prize.percent for prize in challenge.prizes])
    material = challenge.confidential_material if confidential else None
    return ChallengeDetail(
        **_challenge_fields(challenge, member),
        statement=challenge.statement,
        statement_html=_html(challenge.statement),
        eligibility=challenge.eligibility,
        ip_terms=challenge.ip_terms,
        ip_terms_label=IPTerms.LABELS[challenge.ip_terms],
        acceptance_days=challenge.acceptance_days,
        terms_version=challenge.terms_version,
        criteria=[
            CriterionOut(id=c.id, name=c.name, description=c.description, weight=c.weight) for c in challenge.criteria
        ],
        prizes=[
            PrizeOut(place=p.place, percent=p.percent, amount=money_out(share, challenge.currency))
            for p, share in zip(challenge.prizes, shares)
        ],
        funded_amount=challenge.funded_amount,
        confidential_material=material,
        confidential_material_html=_html(material) if material is not None else None,
        idea_ids=idea_ids,
        deadline_changes=[
            DeadlineChangeOut(
                old_deadline=c.old_deadline, new_deadline=c.new_deadline, reason=c.reason, changed_at=c.changed_at
            )
            for c in changes
        ],
        cancel_reason=challenge.cancel_reason,
        no_winner=challenge.no_winner,
        you=you,
    )


class ChallengeListQuery(PageQuery):
    phase: Literal["open", "closing_soon", "awarded"] = Field(
        default="open",
        description="open: taking submissions, newest first; closing_soon: open with the deadline "
        "within 7 days, soonest first; awarded: awarded or paid, latest first.",
    )
    type: ChallengeTypeCode | None = None
    min_reward: whole_number(1, money.MAX_MAJOR) | None = Field(
        default=None, description="In major units (dollars, euros...) of each challenge's own currency."
    )
    q: text(max_length=100) | None = Field(
        default=None, description="Words that must all appear in the title or summary."
    )
    organisation: text(max_length=64) | None = Field(
        default=None,
        description=(
            "An organisation's slug: lists its challenges instead, newest first, in every phase you may see "
            "(drafts and those awaiting funding only for its members). The other filters do not apply then."
        ),
    )


class CriterionIn(StrictInput):
    name: trimmed_text(1, 120)
    weight: whole_number(1, 100)
    description: text(max_length=2000) = ""


Title = trimmed_text(5, posting.TITLE_MAX)
Summary = trimmed_text(10, posting.SUMMARY_MAX)
LongText = text(max_length=posting.TEXT_MAX)
Criteria = Annotated[
    list[CriterionIn],
    Field(
        min_length=1,
        max_length=posting.MAX_CRITERIA,
        description="Judging criteria with their weights; no two names the same, ignoring case.",
    ),
]
Split = Annotated[
    list[whole_number(1, 100)],
    Field(
        min_length=1,
        max_length=posting.MAX_WINNERS,
        description=(
            "Percent of the reward per place, first place first, adding up to 100 and never rising: "
            "[60, 30, 10] or [100]."
        ),
    ),
]
IdeaIds = Annotated[
    list[Id],
    Field(max_length=50, description="Ideas of the organisation that the challenge answers; others are left out."),
]
RewardAmount = Annotated[
    whole_number(1, MAX_ID),
    Field(
        description=(
            f"Minor units; between {money.MIN_MAJOR:,} and {money.MAX_MAJOR:,} in major units of the currency."
        )
    ),
]

Statement = Annotated[
    trimmed_text(20, posting.TEXT_MAX), Field(description="The full problem, Markdown; at least 20 characters.")
]
Deadline = timestamp("At least a day from now. " + RFC3339_HINT)


class ChallengeCreate(StrictInput):
    organisation: text(min_length=1, max_length=64) = Field(
        description="The organisation's slug; you need the admin or product manager role there."
    )
    title: Title
    summary: Summary
    statement: Statement
    type: ChallengeTypeCode = "ideation"
    reward_amount: RewardAmount
    currency: Currency = "usd"
    deadline: Deadline
    ip_terms: IPTermsCode = "non_exclusive"
    eligibility: LongText = ""
    confidential_material: LongText = Field(
        default="", description="Markdown shown only to solvers who accepted the agreement."
    )
    acceptance_days: whole_number(1, 90) = 14
    criteria: Criteria
    split: Split = Field(default_factory=lambda: [100])
    idea_ids: IdeaIds = Field(default_factory=list)


class ChallengeUpdate(StrictInput):
    """Fields left out (or null) stay as they are. Before funding everything can change; once open,
    only title, summary, statement, eligibility and confidential material (409 for the rest)."""

    title: Title | None = None
    summary: Summary | None = None
    statement: Statement | None = None
    type: ChallengeTypeCode | None = None
    reward_amount: RewardAmount | None = None
    currency: Currency | None = None
    deadline: Deadline | None = None
    ip_terms: IPTermsCode | None = None
    eligibility: LongText | None = None
    confidential_material: LongText | None = None
    acceptance_days: whole_number(1, 90) | None = None
    criteria: Criteria | None = None
    split: Split | None = None
    idea_ids: IdeaIds | None = None


class ExtendIn(StrictInput):
    deadline: Timestamp = Field(description="Later than the current deadline and in the future. " + RFC3339_HINT)
    reason: text(max_length=2000) = Field(default="", description="Shown to solvers, who are told.")


class ReasonIn(StrictInput):
    reason: text(max_length=2000) = Field(
        default="",
        description=("Shown to solvers; at least 10 characters once the challenge was open, funded or entered."),
    )


# ---- agreement -----------------------------------------------------------------------------------


class AgreementOut(BaseModel):
    terms_version: int
    digest: str = Field(description="sha256 of exactly the terms text for this version.")
    paragraphs: list[str] = Field(description="The terms, paragraph by paragraph.")
    accepted: bool = Field(description="You accepted this version.")
    accepted_at: datetime | None


# ---- submissions ---------------------------------------------------------------------------------


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str = Field(description="Sniffed from the content, not taken from the name.")
    size: int = Field(description="Bytes.")
    sha256: str
    uploaded_at: datetime
    download_url: str = Field(
        description="Served as a download (never shown inline), to the same people who may "
        "read the submission, signed in on the site."
    )


class SubmissionOut(BaseModel):
    id: int
    challenge_id: int
    solver: UserRef
    title: str
    body: str = Field(description="Markdown source.")
    body_html: str
    state: Literal["active", "withdrawn"]
    version: int = Field(description="1 for the first; every edit keeps the one before it.")
    earlier_versions: int
    shortlisted: bool | None = Field(
        description="Whether the judges shortlisted it; null for anyone but the "
        "organisation's judges (the solver included)."
    )
    submitted_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None
    attachments: list[AttachmentOut]
    feedback: str | None = Field(description="The organisation's private feedback (Markdown), or null.")
    url: str = Field(description="The submission's page on the site, where attachments are uploaded.")


def submission_out(
    submission: Submission, attachments: list[AttachmentOut], feedback: str | None, judge: bool
) -> SubmissionOut:
    """Reads `solver`: eager-load it for lists. `judge`: the caller judges the challenge (and may
    see the shortlist)."""
    return SubmissionOut(
        id=submission.id,
        challenge_id=submission.challenge_id,
        solver=user_ref(submission.solver),
        title=submission.title,
        body=submission.body,
        body_html=_html(submission.body),
        state=submission.state,
        version=submission.version,
        earlier_versions=submission.version - 1,
        shortlisted=submission.shortlisted if judge else None,
        submitted_at=submission.submitted_at,
        updated_at=submission.updated_at,
        withdrawn_at=submission.withdrawn_at,
        attachments=attachments,
        feedback=feedback,
        url=url_for("challenges.show_submission", submission_id=submission.id, _external=True),
    )


class SubmissionPage(Page[SubmissionOut]):
    pass


class ShortlistIn(StrictInput):
    shortlisted: bool = Field(description="true puts the submission on the shortlist, false takes it off.")


class FeedbackIn(StrictInput):
    feedback: text(max_length=judging.FEEDBACK_MAX) = Field(
        description=(
            "Private feedback for the solver (Markdown), shown to them with their submission; empty removes it."
        )
    )


SubmissionTitle = trimmed_text(3, solving.TITLE_MAX)
SubmissionBody = Annotated[trimmed_text(20, solving.BODY_MAX), Field(description="Markdown; at least 20 characters.")]


class SubmissionCreate(StrictInput):
    title: SubmissionTitle
    body: SubmissionBody


class SubmissionUpdate(StrictInput):
    """Fields left out stay as they are; the edit becomes a new version."""

    title: SubmissionTitle | None = None
    body: SubmissionBody | None = None
    remove_attachment_ids: list[Id] = Field(
        default_factory=list, max_length=20, description="Attachments to leave out of the new version."
    )


# ---- questions -----------------------------------------------------------------------------------


class QuestionOut(BaseModel):
    id: int
    challenge_id: int
    body: str = Field(description="The question; empty for a clarification the organisation posted unasked.")
    asked_at: datetime
    mine: bool = Field(description="You asked it.")
    asker: UserRef | None = Field(description="Shown to the organisation only.")
    answer: str | None = Field(description="Markdown; null until answered.")
    answer_html: str | None
    public: bool = Field(description="A public answer is a clarification every solver reads.")
    answered_at: datetime | None


def question_out(question: Question, *, mine: bool, show_asker: bool) -> QuestionOut:
    answered = question.answered_at is not None
    return QuestionOut(
        id=question.id,
        challenge_id=question.challenge_id,
        body=question.body,
        asked_at=question.asked_at,
        mine=mine,
        asker=user_ref(question.asker) if show_asker else None,
        answer=question.answer if answered else None,
        answer_html=_html(question.answer) if answered else None,
        public=question.is_public,
        answered_at=question.answered_at,
    )


class QuestionList(BaseModel):
    data: list[QuestionOut] = Field(description="Oldest first.")


QuestionText = trimmed_text(10, 5000)


class QuestionIn(StrictInput):
    body: QuestionText = Field(description="10 to 5,000 characters.")


class AnswerIn(StrictInput):
    body: QuestionText = Field(description="Markdown, 10 to 5,000 characters.")
    public: bool = Field(
        description="true: a clarification for everyone (participants are told); false: for the asker only."
    )


# ---- scores and results ----------------------------------------------------------------------------


class ScoreIn(StrictInput):
    criterion_id: Id
    value: whole_number(0, 10)
    comment: text(max_length=5000) = Field(default="", description="For the other judges, never the solver.")


class ScorecardIn(StrictInput):
    scores: list[ScoreIn] = Field(
        min_length=1,
        max_length=posting.MAX_CRITERIA,
        description="One score for every criterion of the challenge, each criterion once.",
    )


class ScoreOut(BaseModel):
    criterion_id: int
    value: int
    comment: str


class ScorecardOut(BaseModel):
    judge: UserRef
    scores: list[ScoreOut]
    scored_at: datetime | None


class ScoresOut(BaseModel):
    mine: ScorecardOut | None = Field(description="Your scores; null until you scored.")
    others: list[ScorecardOut] = Field(description="The other judges' scores, shown once you scored yours.")


class CriterionMean(BaseModel):
    criterion_id: int
    mean: float


class ResultOut(BaseModel):
    rank: int
    submission_id: int
    title: str
    solver: UserRef
    shortlisted: bool
    total: float | None = Field(description="Weighted mean of the criteria, 0 to 10; null while unscored.")
    judges: int = Field(description="Judges who scored it.")
    spread: float | None = Field(description="Standard deviation of the judges' totals; null under two judges.")
    agreement: Literal["high", "medium", "low", ""] = Field(description="Empty under two judges.")
    criterion_means: list[CriterionMean]


class ResultList(BaseModel):
    data: list[ResultOut] = Field(description="Active submissions, best first; unscored ones last.")


# ---- awards --------------------------------------------------------------------------------------


class AwardOut(BaseModel):
    id: int
    challenge_id: int
    submission_id: int
    solver: UserRef
    place: int
    amount: MoneyOut
    state: AwardPhase = Field(
        description="`offered` waits for the winner (exclusive assignment); an offer "
        "past `accept_by` is `lapsed` and may pass to the next submission; "
        "`released`: a lapsed or declined award whose amount is refunded "
        "instead."
    )
    state_label: str
    offered_at: datetime
    accept_by: datetime | None
    accepted_at: datetime | None
    closed_at: datetime | None
    replaces_id: int | None = Field(description="The lapsed or declined award this one took over.")


def award_out(award: Award, state: str) -> AwardOut:
    return AwardOut(
        id=award.id,
        challenge_id=award.challenge_id,
        submission_id=award.submission_id,
        solver=user_ref(award.solver),
        place=award.place,
        amount=money_out(award.amount, award.currency),
        state=state,
        state_label=AwardState.LABELS[state],
        offered_at=award.offered_at,
        accept_by=award.accept_by,
        accepted_at=award.accepted_at,
        closed_at=award.closed_at,
        replaces_id=award.replaces_id,
    )


class AwardList(BaseModel):
    data: list[AwardOut] = Field(description="By place.")


class AllocationIn(StrictInput):
    submission_id: Id
    amount: whole_number(1, MAX_ID) = Field(description="Minor units of the challenge's currency.")


class AwardsIn(StrictInput):
    allocations: list[AllocationIn] = Field(
        min_length=1,
        max_length=posting.MAX_WINNERS,
        description="First place first; at most the challenge's winner count, adding up to the funded reward "
        "or less (the rest is refunded).",
    )
