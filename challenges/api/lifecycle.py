"""Challenges and their lifecycle, and the solver agreement."""

from __future__ import annotations

from sqlalchemy import String, column, or_, select
from sqlalchemy.orm import selectinload

from app.api.pagination import decode_cursor, encode_cursor, keyset_page
from app.api.spec import operation
from app.errors_domain import Conflict, NotFound
from app.extensions import db
from app.orgs import policy as org_policy
from app.orgs.models import Membership
from app.orgs.services import get_by_slug
from challenges import policy
from challenges.api.common import (
    CHALLENGE_ID,
    MANAGERS_ONLY,
    TAG,
    caller,
    challenge_json,
    challenges_api,
    visible_challenge,
)
from challenges.models import Agreement, Challenge, State
from challenges.schemas import (
    AgreementOut,
    ChallengeCreate,
    ChallengeDetail,
    ChallengeListQuery,
    ChallengePage,
    ChallengeUpdate,
    ExtendIn,
    ReasonIn,
    challenge_out,
)
from challenges.services import listing, posting, solving
from challenges.terms import terms_digest, terms_paragraphs

# ---- listing and posting ---------------------------------------------------------------------------

# The browse tabs keep their own keyset cursor; the API signs it like every other cursor.
_RAW_CURSOR = column("cursor", String())
_TABS = {"open": "open", "closing_soon": "closing", "awarded": "awarded"}


def _organisation_list(query: ChallengeListQuery) -> ChallengePage:
    organisation = get_by_slug(query.organisation)
    if organisation is None:
        return ChallengePage(data=[], next_cursor=None)
    stmt = (
        select(Challenge)
        .where(Challenge.organisation_id == organisation.id)
        .options(selectinload(Challenge.organisation))
    )
    if org_policy.membership_of(caller(), organisation) is None:
        # Challenge.is_public, as SQL.
        stmt = stmt.where(
            or_(
                Challenge.state.in_(State.PUBLIC),
                (Challenge.state == State.CANCELLED) & Challenge.opened_at.is_not(None),
            )
        )
    rows, next_cursor = keyset_page(
        db.session, stmt, kind="organisation_challenges", columns=(Challenge.created_at, Challenge.id), query=query
    )
    member = org_policy.membership_of(caller(), organisation) is not None
    return ChallengePage(data=[challenge_out(c, member) for c in rows], next_cursor=next_cursor)


def _member_org_ids() -> set[int]:
    user = caller()
    if not policy.signed_in(user):
        return set()
    return set(db.session.scalars(select(Membership.organisation_id).where(Membership.user_id == user.id)))


@operation(
    challenges_api,
    "GET",
    "/challenges",
    summary="List challenges",
    query=ChallengeListQuery,
    response=ChallengePage,
    tags=TAG,
)
def list_challenges(query: ChallengeListQuery) -> ChallengePage:
    """Public challenges by `phase`, filtered by type, reward and search words; or, with
    `organisation`, that organisation's challenges (all of them, drafts included, for its members).
    A cursor belongs to its phase: change the phase, start without one."""
    if query.organisation:
        return _organisation_list(query)
    tab = _TABS[query.phase]
    kind = f"challenges.{tab}"
    raw = decode_cursor(kind, query.cursor, (_RAW_CURSOR,))[0] if query.cursor else None
    page = listing.browse(
        listing.Filters(tab=tab, type=query.type or "", min_reward=query.min_reward, q=query.q or ""),
        raw,
        limit=query.limit,
    )
    mine = _member_org_ids()
    return ChallengePage(
        data=[challenge_out(c, c.organisation_id in mine) for c in page.items],
        next_cursor=encode_cursor(kind, [page.next_cursor]) if page.next_cursor else None,
    )


@operation(
    challenges_api,
    "POST",
    "/challenges",
    summary="Post a challenge (as a draft)",
    body=ChallengeCreate,
    response=ChallengeDetail,
    status=201,
    errors=(403, 404),
    tags=TAG,
)
def create_challenge(body: ChallengeCreate) -> ChallengeDetail:
    """A new draft in an organisation where you are an admin or product manager (403 for its other
    members, 404 for anyone else). Nothing is public until it is funded: request funding next."""
    organisation = get_by_slug(body.organisation)
    user = caller()
    if organisation is None or org_policy.membership_of(user, organisation) is None:
        raise NotFound("No such organisation.", {"organisation": ["No such organisation."]})
    data = posting.ChallengeInput(
        **body.model_dump(exclude={"organisation", "criteria"}),
        criteria=[(c.name, c.weight, c.description) for c in body.criteria],
    )
    return challenge_json(posting.create_challenge(user, organisation, data))


@operation(
    challenges_api,
    "GET",
    f"/challenges/{CHALLENGE_ID}",
    summary="Get a challenge",
    response=ChallengeDetail,
    errors=(404,),
    tags=TAG,
)
def get_challenge(challenge_id: int) -> ChallengeDetail:
    """A challenge in full: statement, criteria, prizes with their amounts, deadline history.
    `confidential_material` is null until you accept the agreement (members always see it)."""
    return challenge_json(visible_challenge(challenge_id))


def _current_input(challenge: Challenge) -> posting.ChallengeInput:
    return posting.ChallengeInput(
        title=challenge.title,
        summary=challenge.summary,
        statement=challenge.statement,
        reward_amount=challenge.reward_amount,
        deadline=challenge.deadline,
        type=challenge.type,
        currency=challenge.currency,
        ip_terms=challenge.ip_terms,
        eligibility=challenge.eligibility,
        confidential_material=challenge.confidential_material,
        acceptance_days=challenge.acceptance_days,
        criteria=[(c.name, c.weight, c.description) for c in challenge.criteria],
        split=[p.percent for p in challenge.prizes],
        idea_ids=listing.linked_idea_ids(challenge),
    )


@operation(
    challenges_api,
    "PATCH",
    f"/challenges/{CHALLENGE_ID}",
    summary="Edit a challenge",
    body=ChallengeUpdate,
    response=ChallengeDetail,
    errors=(403, 404, 409),
    tags=TAG,
    description="Before funding everything can change (the reward only in a draft); once open, only "
    "the wording, and a changed eligibility asks solvers to accept the terms again; after "
    "the deadline nothing (409). Move the deadline of an open challenge with "
    "`extend-deadline`." + MANAGERS_ONLY,
)
def update_challenge(challenge_id: int, body: ChallengeUpdate) -> ChallengeDetail:
    challenge = visible_challenge(challenge_id)
    data = _current_input(challenge)
    before = vars(data).copy()
    for name, value in body.model_dump(exclude_none=True).items():
        setattr(data, name, value)
    if body.criteria is not None:
        data.criteria = [(c.name, c.weight, c.description) for c in body.criteria]
    if challenge.state not in (State.DRAFT, State.AWAITING_FUNDING) and policy.can_manage(caller(), challenge):
        # The service keeps what solvers were promised; say so rather than drop the change quietly.
        fixed = sorted(
            name
            for name, value in vars(data).items()
            if name not in posting.EDITABLE_WHILE_OPEN and value != before[name]
        )
        if fixed:
            raise Conflict(
                "Once a challenge is open only its wording can change.",
                {name: ["Cannot change once the challenge is open."] for name in fixed},
            )
    return challenge_json(posting.update_challenge(caller(), challenge, data))


def _lifecycle(path: str, summary: str, description: str, **extra):
    return operation(
        challenges_api,
        "POST",
        f"/challenges/{CHALLENGE_ID}/{path}",
        summary=summary,
        response=ChallengeDetail,
        errors=(403, 404, 409),
        tags=TAG,
        description=description + MANAGERS_ONLY,
        **extra,
    )


@_lifecycle(
    "request-funding",
    "Send a draft for funding",
    "Draft -> awaiting funding: the details are final, and the challenge opens once its reward "
    "is paid in. The deadline must be at least a day away (422).",
)
def request_funding(challenge_id: int) -> ChallengeDetail:
    return challenge_json(posting.request_funding(caller(), visible_challenge(challenge_id)))


@_lifecycle(
    "back-to-draft", "Take a challenge back to draft", "Awaiting funding -> draft, while nothing has been paid in."
)
def back_to_draft(challenge_id: int) -> ChallengeDetail:
    return challenge_json(posting.back_to_draft(caller(), visible_challenge(challenge_id)))


@_lifecycle(
    "extend-deadline",
    "Extend the deadline",
    "Later only: a deadline is never shortened (422). Possible until judging starts, even after "
    "the deadline passed (submissions reopen). Solvers are told.",
    body=ExtendIn,
)
def extend_deadline(challenge_id: int, body: ExtendIn) -> ChallengeDetail:
    challenge = visible_challenge(challenge_id)
    posting.extend_deadline(caller(), challenge, body.deadline, body.reason)
    return challenge_json(challenge)


@_lifecycle("start-judging", "Start judging", "Closed -> judging, once the deadline has passed: no more extensions.")
def start_judging(challenge_id: int) -> ChallengeDetail:
    return challenge_json(posting.start_judging(caller(), visible_challenge(challenge_id)))


@_lifecycle(
    "cancel",
    "Cancel a challenge",
    "Withdraw the challenge before any award. Once it was open, funded or entered, a reason of at "
    "least 10 characters is required (422) and solvers are told; the funds follow the refund policy.",
    body=ReasonIn,
)
def cancel(challenge_id: int, body: ReasonIn) -> ChallengeDetail:
    return challenge_json(posting.cancel(caller(), visible_challenge(challenge_id), body.reason))


# ---- the agreement ---------------------------------------------------------------------------------


def _agreement(challenge: Challenge, accepted_at) -> AgreementOut:
    return AgreementOut(
        terms_version=challenge.terms_version,
        digest=terms_digest(challenge),
        paragraphs=terms_paragraphs(challenge),
        accepted=accepted_at is not None,
        accepted_at=accepted_at,
    )


@operation(
    challenges_api,
    "GET",
    f"/challenges/{CHALLENGE_ID}/agreement",
    summary="Read the solver agreement",
    response=AgreementOut,
    errors=(404,),
    tags=TAG,
)
def get_agreement(challenge_id: int) -> AgreementOut:
    """The terms of the current version, and whether you accepted them."""
    challenge = visible_challenge(challenge_id)
    accepted_at = db.session.scalar(
        select(Agreement.accepted_at).where(
            Agreement.challenge_id == challenge.id,
            Agreement.user_id == caller().id,
            Agreement.terms_version == challenge.terms_version,
        )
    )
    return _agreement(challenge, accepted_at)


@operation(
    challenges_api,
    "POST",
    f"/challenges/{CHALLENGE_ID}/agreement",
    summary="Accept the solver agreement",
    response=AgreementOut,
    errors=(403, 404, 409),
    tags=TAG,
)
def accept_agreement(challenge_id: int) -> AgreementOut:
    """Accept the current terms: needed before submitting and before the confidential material
    shows. The version, the digest of the exact text and the time are recorded; accepting again
    changes nothing. 403 for the organisation's own members; 409 once the challenge is not open."""
    challenge = visible_challenge(challenge_id)
    agreement = solving.accept_agreement(caller(), challenge)
    return _agreement(challenge, agreement.accepted_at)
