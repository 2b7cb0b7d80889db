"""Demand for product managers: customer segments and values, and the weighted demand of a board.

How a voter counts, per organisation:

- Their SEGMENT is the one set for them one by one (`CustomerValue.segment_id`), else the one of
  their email domain (`CustomerDomain.segment_id`), else none. Their WEIGHT is that segment's
  weight, or `DEFAULT_WEIGHT` without one.
- Their ACCOUNT for revenue: with a revenue set one by one they are an account of their own; else,
  when their email domain carries a revenue, everyone at that domain is one account (shown under
  the domain's segment); else they are an account of their own with no revenue.

For each idea of a board:

- weighted demand = Σ over its up-voters of their weight;
- revenue demand = Σ over the distinct accounts among its up-voters of the account's yearly
  revenue (three voters from one company count its revenue once);
- DOWN-VOTES never subtract from demand: they are counted and shown beside it.

Everything is computed with a fixed handful of GROUP BY queries per board (never one per idea or
voter). This aggregates over the votes table, so it serves the product managers' dashboard only,
never the public lists, which read the counters on the ideas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, and_, case, cast, func, literal, null, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app import audit
from app.auth.models import User
from app.auth.services import normalise_email
from app.clock import utcnow
from app.errors_domain import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.orgs.models import Membership, Organisation
from ideas.models import Board, BoardMember, Comment, Idea, Status, Vote
from voting.demand.models import MAX_REVENUE, MAX_WEIGHT, CustomerDomain, CustomerValue, Segment

# The weight of a voter without a segment (and of one whose segment was deleted).
DEFAULT_WEIGHT = 1
WEIGHT, REVENUE = "weight", "revenue"
MODES = {WEIGHT: "Segment weight", REVENUE: "Revenue"}
TOP_CUSTOMERS = 3
HISTORY_DAYS = 90
# The statuses the dashboard filters by (a merged idea hands its votes on, so it has none), and
# those it shows unless told otherwise: the ideas not closed yet.
STATUSES = Status.SETTABLE
DEFAULT_STATUSES = tuple(status for status in STATUSES if status not in Status.CLOSED)
DOMAIN_RE = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")


# ---------------------------------------------------------------- segments and customer values


def segments_of(organisation: Organisation) -> list[Segment]:
    """Heaviest first."""
    return list(
        db.session.scalars(
            select(Segment)
            .where(Segment.organisation_id == organisation.id)
            .order_by(Segment.weight.desc(), Segment.name)
        )
    )


def _clean_segment(name: str, weight) -> tuple[str, int]:
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 60:
        raise ValidationFailed("A segment needs a name of 1 to 60 characters.", {"name": ["1 to 60 characters."]})
    if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= MAX_WEIGHT:
        raise ValidationFailed(
            f"The weight is a whole number from 0 to {MAX_WEIGHT}.",
            {"weight": [f"A whole number from 0 to {MAX_WEIGHT}."]},
        )
    return name, weight


def _save_segment(segment: Segment) -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("There is already a segment with that name.", {"name": ["Already used."]}) from None


def create_segment(actor: User, organisation: Organisation, name: str, weight: int) -> Segment:
    """Raises ValidationFailed, or Conflict for a name the organisation already uses."""
    name, weight = _clean_segment(name, weight)
    segment = Segment(organisation_id=organisation.id, name=name, weight=weight)
    db.session.add(segment)
    _save_segment(segment)
    audit.event("demand.segment_created", org_id=organisation.id, actor_id=actor.id, segment_id=segment.id)
    return segment


def get_segment(organisation: Organisation, segment_id: int | None) -> Segment:
    """Raises NotFound unless the segment is the organisation's."""
    segment = db.session.get(Segment, segment_id) if segment_id is not None else None
    if segment is None or segment.organisation_id != organisation.id:
        raise NotFound("That segment does not exist.", {"segment_id": ["Choose one of your segments."]})
    return segment


def update_segment(actor: User, segment: Segment, name: str, weight: int) -> Segment:
    """Raises ValidationFailed or Conflict."""
    segment.name, segment.weight = _clean_segment(name, weight)
    _save_segment(segment)
    audit.event("demand.segment_updated", org_id=segment.organisation_id, actor_id=actor.id, segment_id=segment.id)
    return segment


def delete_segment(actor: User, segment: Segment) -> None:
    """Its domains and customers keep their revenue and fall back to no segment."""
    org_id, segment_id = segment.organisation_id, segment.id
    db.session.delete(segment)
    db.session.commit()
    audit.event("demand.segment_deleted", org_id=org_id, actor_id=actor.id, segment_id=segment_id)


def _clean_revenue(revenue) -> int | None:
    if revenue is None:
        return None
    if isinstance(revenue, bool) or not isinstance(revenue, int) or not 0 <= revenue <= MAX_REVENUE:
        raise ValidationFailed(
            "The yearly revenue is a whole amount, zero or more.", {"yearly_revenue": ["A whole amount, zero or more."]}
        )
    return revenue


def _segment_id_or_none(organisation: Organisation, segment_id: int | None) -> int | None:
    return None if segment_id is None else get_segment(organisation, segment_id).id


def clean_domain(domain: str) -> str:
    """`@BigBank.example.com` → `bigbank.example.com`. Raises ValidationFailed."""
    domain = (domain or "").strip().lower().lstrip("@").rstrip(".")
    if not DOMAIN_RE.match(domain):
        raise ValidationFailed(
            "Enter an email domain such as bigbank.example.com.",
            {"domain": ["An email domain such as bigbank.example.com."]},
        )
    return domain


def domains_of(organisation: Organisation) -> list[CustomerDomain]:
    return list(
        db.session.scalars(
            select(CustomerDomain)
            .where(CustomerDomain.organisation_id == organisation.id)
            .order_by(CustomerDomain.domain)
        )
    )


def map_domain(
    actor: User, organisation: Organisation, domain: str, segment_id: int | None, yearly_revenue: int | None
) -> CustomerDomain:
    """Everyone at `domain` becomes one account of that segment and revenue; mapping a domain
    again replaces its values. Raises ValidationFailed or NotFound (a segment not theirs)."""
    domain = clean_domain(domain)
    segment_id = _segment_id_or_none(organisation, segment_id)
    yearly_revenue = _clean_revenue(yearly_revenue)
    if segment_id is None and yearly_revenue is None:
        raise ValidationFailed(
            "Choose a segment or enter a yearly revenue (or both).",
            {"segment_id": ["Choose a segment, or enter a revenue."]},
        )
    values = {"segment_id": segment_id, "yearly_revenue": yearly_revenue}
    mapping = db.session.scalar(
        select(CustomerDomain).where(CustomerDomain.organisation_id == organisation.id, CustomerDomain.domain == domain)
    )
    if mapping is None:
        try:
            with db.session.begin_nested():
                mapping = CustomerDomain(organisation_id=organisation.id, domain=domain, **values)
                db.session.add(mapping)
        except IntegrityError:  # mapped concurrently: update that one
            mapping = db.session.scalar(
                select(CustomerDomain).where(
                    CustomerDomain.organisation_id == organisation.id, CustomerDomain.domain == domain
                )
            )
    for key, value in values.items():
        setattr(mapping, key, value)
    db.session.commit()
    audit.event("demand.domain_mapped", org_id=organisation.id, actor_id=actor.id, domain=domain)
    return mapping


def unmap_domain(actor: User, organisation: Organisation, mapping_id: int) -> None:
    """Raises NotFound."""
    mapping = db.session.get(CustomerDomain, mapping_id)
    if mapping is None or mapping.organisation_id != organisation.id:
        raise NotFound("That domain is not mapped.")
    db.session.delete(mapping)
    db.session.commit()
    audit.event("demand.domain_unmapped", org_id=organisation.id, actor_id=actor.id, domain=mapping.domain)


def customer_values_of(organisation: Organisation) -> list[CustomerValue]:
    return list(
        db.session.scalars(
            select(CustomerValue)
            .join(User, User.id == CustomerValue.user_id)
            .where(CustomerValue.organisation_id == organisation.id)
            .order_by(User.email)
        )
    )


def _known_to(organisation: Organisation):
    """Whether a user is known to the organisation: a member, invited to one of its boards, or
    someone who voted, posted or commented there."""
    boards = select(Board.id).where(Board.organisation_id == organisation.id)
    board_ideas = select(Idea.id).where(Idea.board_id.in_(boards))
    return or_(
        select(Membership.id)
        .where(Membership.organisation_id == organisation.id, Membership.user_id == User.id)
        .exists(),
        select(BoardMember.id).where(BoardMember.board_id.in_(boards), BoardMember.email == User.email).exists(),
        select(Vote.id).where(Vote.user_id == User.id, Vote.idea_id.in_(board_ideas)).exists(),
        select(Idea.id).where(Idea.author_id == User.id, Idea.board_id.in_(boards)).exists(),
        select(Comment.id).where(Comment.author_id == User.id, Comment.idea_id.in_(board_ideas)).exists(),
    )


def _known_customer(organisation: Organisation, email: str) -> User | None:
    """The account behind `email` if it is known to the organisation (`_known_to`). Anyone else
    stays unknown, so this form cannot tell whether an arbitrary address has an account."""
    return db.session.scalar(select(User).where(User.email == email, _known_to(organisation)))


@dataclass(frozen=True)
class Person:
    user: User
    segment: str | None  # the segment their votes count in, if any


PEOPLE_LIMIT = 8


def find_people(organisation: Organisation, query: str, limit: int = PEOPLE_LIMIT) -> list[Person]:
    """Active people known to the organisation whose name or email contains `query` (two
    characters at least), by name, each with their segment (their own, else their domain's)."""
    words = " ".join((query or "").replace("\x00", "").split()).lower()[:100]
    if len(words) < 2:
        return []
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    users = list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                or_(
                    func.lower(User.display_name).like(pattern, escape="\\"),
                    func.lower(User.email).like(pattern, escape="\\"),
                ),
                _known_to(organisation),
            )
            .order_by(func.lower(User.display_name), User.id)
            .limit(limit)
        )
    )
    segments = _segment_names(organisation, users)
    return [Person(user, segments.get(user.id)) for user in users]


def known_person(organisation: Organisation, user_id: int) -> User | None:
    """The active user `user_id` if the organisation knows them (`_known_to`), else None."""
    return db.session.scalar(select(User).where(User.id == user_id, User.active.is_(True), _known_to(organisation)))


def _segment_names(organisation: Organisation, users: list[User]) -> dict[int, str]:
    """Each user's segment name: the one set for them, else their email domain's (two queries)."""
    if not users:
        return {}
    own = dict(
        db.session.execute(
            select(CustomerValue.user_id, Segment.name)
            .join(Segment, Segment.id == CustomerValue.segment_id)
            .where(CustomerValue.organisation_id == organisation.id, CustomerValue.user_id.in_([u.id for u in users]))
        ).all()
    )
    domains = {u.email.rsplit("@", 1)[-1] for u in users}
    by_domain = dict(
        db.session.execute(
            select(CustomerDomain.domain, Segment.name)
            .join(Segment, Segment.id == CustomerDomain.segment_id)
            .where(CustomerDomain.organisation_id == organisation.id, CustomerDomain.domain.in_(domains))
        ).all()
    )
    names = {}
    for user in users:
        name = own.get(user.id) or by_domain.get(user.email.rsplit("@", 1)[-1])
        if name:
            names[user.id] = name
    return names


def set_customer_value(
    actor: User, organisation: Organisation, email: str, segment_id: int | None, yearly_revenue: int | None
) -> CustomerValue:
    """Set one customer's segment and/or revenue, overriding their domain's. Leaving both empty
    clears the override. Raises ValidationFailed, or NotFound when no customer of the
    organisation uses the address."""
    address = normalise_email(email)
    segment_id = _segment_id_or_none(organisation, segment_id)
    yearly_revenue = _clean_revenue(yearly_revenue)
    customer = _known_customer(organisation, address)
    if customer is None:
        raise NotFound(
            "No customer of yours uses that address: set values for people who have an "
            "account and have voted, posted or been invited on one of your boards. To cover "
            "a company in advance, map its email domain instead.",
            {"email": ["No customer of yours uses that address."]},
        )
    value = db.session.scalar(
        select(CustomerValue).where(
            CustomerValue.organisation_id == organisation.id, CustomerValue.user_id == customer.id
        )
    )
    if segment_id is None and yearly_revenue is None:
        if value is None:
            raise ValidationFailed(
                "Choose a segment or enter a yearly revenue (or both).",
                {"segment_id": ["Choose a segment, or enter a revenue."]},
            )
        db.session.delete(value)
        db.session.commit()
        audit.event("demand.customer_cleared", org_id=organisation.id, actor_id=actor.id, user_id=customer.id)
        return value
    if value is None:
        try:
            with db.session.begin_nested():
                value = CustomerValue(organisation_id=organisation.id, user_id=customer.id)
                db.session.add(value)
        except IntegrityError:  # set concurrently: update that one
            value = db.session.scalar(
                select(CustomerValue).where(
                    CustomerValue.organisation_id == organisation.id, CustomerValue.user_id == customer.id
                )
            )
    value.segment_id, value.yearly_revenue, value.updated_at = segment_id, yearly_revenue, utcnow()
    db.session.commit()
    audit.event("demand.customer_set", org_id=organisation.id, actor_id=actor.id, user_id=customer.id)
    return value


def clear_customer_value(actor: User, organisation: Organisation, value_id: int) -> None:
    """Raises NotFound."""
    value = db.session.get(CustomerValue, value_id)
    if value is None or value.organisation_id != organisation.id:
        raise NotFound("That customer has no values set.")
    user_id = value.user_id
    db.session.delete(value)
    db.session.commit()
    audit.event("demand.customer_cleared", org_id=organisation.id, actor_id=actor.id, user_id=user_id)


# ---------------------------------------------------------------- the demand of a board


@dataclass
class SegmentShare:
    """One segment's part of an idea's demand. `segment_id` None: voters without a segment."""

    segment_id: int | None
    votes: int = 0  # up-votes from the segment
    weighted: int = 0  # Σ of their weights
    accounts: int = 0  # distinct accounts (revenue mode)
    revenue: int = 0  # Σ revenue of those accounts


@dataclass
class TopCustomer:
    name: str  # a person's display name, or an email domain for a company account
    detail: str  # "@domain" for a person, "3 voters" for a company account
    segment_id: int | None
    weight: int
    revenue: int
    voters: int


@dataclass
class IdeaDemand:
    idea_id: int
    title: str
    status: str
    upvotes: int
    downvotes: int
    weighted: int
    revenue: int
    segments: list[SegmentShare] = field(default_factory=list)
    top_customers: list[TopCustomer] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return Status.LABELS.get(self.status, self.status)

    def value(self, mode: str) -> int:
        return self.revenue if mode == REVENUE else self.weighted

    def share_value(self, share: SegmentShare, mode: str) -> int:
        return share.revenue if mode == REVENUE else share.weighted


@dataclass
class BoardDemand:
    board: Board
    mode: str
    segments: dict[int, Segment]  # the organisation's, heaviest first
    ideas: list[IdeaDemand]
    total_ideas: int  # ideas with votes, of which `ideas` are the first `limit`

    @property
    def max_value(self) -> int:
        return max((idea.value(self.mode) for idea in self.ideas), default=0)

    def segment_name(self, segment_id: int | None) -> str:
        segment = self.segments.get(segment_id) if segment_id is not None else None
        return segment.name if segment is not None else "No segment"

    @property
    def segment_order(self) -> list[int | None]:
        """Segment ids as legends and CSV columns list them: heaviest first, then "No segment"."""
        return [*self.segments, None]


@dataclass
class DayCount:
    day: date
    up: int
    down: int


def parse_statuses(values: list[str]) -> tuple[str, ...]:
    """The statuses named in `values` (as the dashboard's URL gives them), in workflow order;
    `DEFAULT_STATUSES` when none is. Raises ValidationFailed naming the first unknown one."""
    wanted = {value.strip() for value in values if value.strip()}
    unknown = sorted(wanted - set(STATUSES))
    if unknown:
        known = ", ".join(STATUSES[:-1]) + " and " + STATUSES[-1]
        raise ValidationFailed(
            f"Unknown status “{unknown[0][:40]}”: the statuses are {known}.", {"status": ["Unknown status."]}
        )
    return tuple(status for status in STATUSES if status in wanted) or DEFAULT_STATUSES


def _of_statuses(statuses) -> list:
    """The WHERE clause keeping ideas of `statuses` (None: every status)."""
    return [Idea.status.in_(list(statuses))] if statuses is not None else []


def vote_rows(board: Board, idea_id: int | None = None, statuses=None):
    """Every vote on the board (or on one of its ideas; on its ideas of `statuses`, when given)
    with its voter's resolved segment, weight and account, as a CTE.

    One-by-one values (cv) override the domain rule (dom) field by field; segments are joined
    through the organisation, so a stray id from elsewhere counts as no segment."""
    org_id = board.organisation_id
    cv, dom = aliased(CustomerValue), aliased(CustomerDomain)
    seg, dom_seg = aliased(Segment), aliased(Segment)
    company_account = and_(cv.yearly_revenue.is_(None), dom.yearly_revenue.is_not(None))
    return (
        select(
            Vote.idea_id,
            Vote.user_id,
            Vote.value,
            Vote.created_at,
            Vote.proxy_by_id.is_not(None).label("recorded"),
            seg.id.label("segment_id"),
            func.coalesce(seg.weight, DEFAULT_WEIGHT).label("weight"),
            case((company_account, dom.id), else_=None).label("account_domain_id"),
            case((company_account, None), else_=Vote.user_id).label("account_user_id"),
            func.coalesce(cv.yearly_revenue, dom.yearly_revenue, 0).label("revenue"),
            case((company_account, dom_seg.id), else_=seg.id).label("account_segment_id"),
        )
        .join(Idea, Idea.id == Vote.idea_id)
        .join(User, User.id == Vote.user_id)
        .outerjoin(cv, and_(cv.organisation_id == org_id, cv.user_id == Vote.user_id))
        .outerjoin(dom, and_(dom.organisation_id == org_id, User.email.like(literal("%@") + dom.domain)))
        .outerjoin(seg, and_(seg.organisation_id == org_id, seg.id == func.coalesce(cv.segment_id, dom.segment_id)))
        .outerjoin(dom_seg, and_(dom_seg.organisation_id == org_id, dom_seg.id == dom.segment_id))
        .where(
            Idea.board_id == board.id,
            *([Vote.idea_id == idea_id] if idea_id is not None else []),
            *_of_statuses(statuses),
        )
        .cte("demand_votes")
    )


def _accounts(rows):
    """Each (idea, account) among the up-voters once, with the account's revenue and segment."""
    return (
        select(
            rows.c.idea_id,
            rows.c.account_domain_id,
            rows.c.account_user_id,
            func.max(rows.c.revenue).label("revenue"),
            func.max(rows.c.account_segment_id).label("account_segment_id"),
            func.count().label("voters"),
            func.min(rows.c.created_at).label("first_vote"),
        )
        .where(rows.c.value == 1)
        .group_by(rows.c.idea_id, rows.c.account_domain_id, rows.c.account_user_id)
    )


def board_demand(board: Board, mode: str = WEIGHT, limit: int | None = 50, statuses=None) -> BoardDemand:
    """The board's voted ideas (of `statuses`, when given) ranked by demand in `mode` (ties: more
    up-votes, then older first), at most `limit` of them (None: all), with their per-segment
    breakdown and top customers. Five queries whatever the number of ideas, voters or segments."""
    if mode not in MODES:
        raise ValidationFailed("The mode is weight or revenue.", {"mode": ["weight or revenue"]})
    rows = vote_rows(board, statuses=statuses)
    up = func.sum(case((rows.c.value == 1, 1), else_=0))
    per_idea = (
        select(
            rows.c.idea_id,
            up.label("up"),
            func.sum(case((rows.c.value == -1, 1), else_=0)).label("down"),
            func.sum(case((rows.c.value == 1, rows.c.weight), else_=0)).label("weighted"),
        )
        .group_by(rows.c.idea_id)
        .subquery()
    )
    accounts = _accounts(rows).subquery()
    revenue = (
        select(accounts.c.idea_id, func.sum(accounts.c.revenue).label("revenue"))
        .group_by(accounts.c.idea_id)
        .subquery()
    )
    revenue_total = func.coalesce(revenue.c.revenue, 0)
    ranked = (
        select(
            Idea.id,
            Idea.title,
            Idea.status,
            per_idea.c.up,
            per_idea.c.down,
            per_idea.c.weighted,
            revenue_total.label("revenue"),
            func.count().over().label("total"),
        )
        .join(per_idea, per_idea.c.idea_id == Idea.id)
        .outerjoin(revenue, revenue.c.idea_id == Idea.id)
        .order_by((revenue_total if mode == REVENUE else per_idea.c.weighted).desc(), per_idea.c.up.desc(), Idea.id)
    )
    if limit is not None:
        ranked = ranked.limit(limit)
    ideas: dict[int, IdeaDemand] = {}
    total_ideas = 0
    for row in db.session.execute(ranked):
        ideas[row.id] = IdeaDemand(
            row.id, row.title, row.status, int(row.up), int(row.down), int(row.weighted or 0), int(row.revenue or 0)
        )
        total_ideas = int(row.total)  # count(*) OVER (): the voted ideas before the LIMIT
    if ideas:
        only = list(ideas) if limit is not None else None
        _add_breakdown(rows, ideas, only)
        _add_top_customers(rows, ideas, mode, only)
    segments = {s.id: s for s in segments_of(board.organisation)}
    order = {segment_id: n for n, segment_id in enumerate([*segments, None])}
    for idea in ideas.values():
        idea.segments.sort(key=lambda share: order.get(share.segment_id, len(order)))
    return BoardDemand(board, mode, segments, list(ideas.values()), total_ideas)


def _add_breakdown(rows, ideas: dict[int, IdeaDemand], only: list[int] | None) -> None:
    """Votes and weight per (idea, voter segment); accounts and revenue per (idea, account
    segment). Segments come out heaviest first, "No segment" last."""
    shares: dict[tuple[int, int | None], SegmentShare] = {}

    def share(idea_id: int, segment_id: int | None) -> SegmentShare:
        key = (idea_id, segment_id)
        if key not in shares:
            shares[key] = SegmentShare(segment_id)
        return shares[key]

    by_segment = (
        select(
            rows.c.idea_id, rows.c.segment_id, func.count().label("votes"), func.sum(rows.c.weight).label("weighted")
        )
        .where(rows.c.value == 1)
        .group_by(rows.c.idea_id, rows.c.segment_id)
    )
    if only is not None:
        by_segment = by_segment.where(rows.c.idea_id.in_(only))
    for row in db.session.execute(by_segment):
        item = share(row.idea_id, row.segment_id)
        item.votes, item.weighted = int(row.votes), int(row.weighted or 0)
    accounts = _accounts(rows)
    if only is not None:
        accounts = accounts.where(rows.c.idea_id.in_(only))
    accounts = accounts.subquery()
    by_account_segment = select(
        accounts.c.idea_id,
        accounts.c.account_segment_id,
        func.count().label("accounts"),
        func.sum(accounts.c.revenue).label("revenue"),
    ).group_by(accounts.c.idea_id, accounts.c.account_segment_id)
    for row in db.session.execute(by_account_segment):
        item = share(row.idea_id, row.account_segment_id)
        item.accounts, item.revenue = int(row.accounts), int(row.revenue or 0)
    for (idea_id, _segment_id), item in shares.items():
        ideas[idea_id].segments.append(item)


def _add_top_customers(rows, ideas: dict[int, IdeaDemand], mode: str, only: list[int] | None) -> None:
    """The `TOP_CUSTOMERS` heaviest voters of each idea (weight mode) or its richest accounts
    (revenue mode; accounts without revenue are left out), in one windowed query."""
    if mode == REVENUE:
        accounts = _accounts(rows)
        if only is not None:
            accounts = accounts.where(rows.c.idea_id.in_(only))
        accounts = accounts.subquery()
        rank = func.row_number().over(
            partition_by=accounts.c.idea_id,
            order_by=(
                accounts.c.revenue.desc(),
                accounts.c.voters.desc(),
                accounts.c.first_vote,
                accounts.c.account_domain_id,
                accounts.c.account_user_id,
            ),
        )
        inner = (
            select(
                accounts.c.idea_id,
                accounts.c.account_domain_id,
                accounts.c.account_user_id,
                accounts.c.revenue,
                accounts.c.voters,
                accounts.c.account_segment_id.label("segment_id"),
                literal(0).label("weight"),
                rank.label("rank"),
            )
            .where(accounts.c.revenue > 0)
            .subquery()
        )
    else:
        rank = func.row_number().over(
            partition_by=rows.c.idea_id, order_by=(rows.c.weight.desc(), rows.c.created_at, rows.c.user_id)
        )
        inner = select(
            rows.c.idea_id,
            cast(null(), Integer).label("account_domain_id"),
            rows.c.user_id.label("account_user_id"),
            rows.c.revenue,
            literal(1).label("voters"),
            rows.c.segment_id,
            rows.c.weight,
            rank.label("rank"),
        ).where(rows.c.value == 1)
        if only is not None:
            inner = inner.where(rows.c.idea_id.in_(only))
        inner = inner.subquery()
    top = (
        select(inner, User.display_name, User.email, CustomerDomain.domain)
        .outerjoin(User, User.id == inner.c.account_user_id)
        .outerjoin(CustomerDomain, CustomerDomain.id == inner.c.account_domain_id)
        .where(inner.c.rank <= TOP_CUSTOMERS)
        .order_by(inner.c.idea_id, inner.c.rank)
    )
    for row in db.session.execute(top):
        if row.domain is not None:
            name, detail = row.domain, f"{row.voters} voter{'s' if row.voters != 1 else ''}"
        else:
            name, detail = row.display_name, "@" + row.email.rpartition("@")[2]
        ideas[row.idea_id].top_customers.append(
            TopCustomer(name, detail, row.segment_id, int(row.weight or 0), int(row.revenue or 0), int(row.voters))
        )


def _day(column):
    """The UTC calendar day of a timestamp column, in the database's dialect."""
    if db.engine.dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)  # SQLite keeps UTC text


def vote_history(board: Board, days: int = HISTORY_DAYS, now: datetime | None = None, statuses=None) -> list[DayCount]:
    """Up- and down-votes standing on the board's ideas (of `statuses`, when given), by the UTC
    day they were cast, for the last `days` days including today (days without votes included,
    as zeros). One query."""
    today = (now or utcnow()).astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time.min, tzinfo=UTC)
    day = _day(Vote.created_at).label("day")
    counts: dict[date, DayCount] = {}
    query = (
        select(
            day,
            func.sum(case((Vote.value == 1, 1), else_=0)).label("up"),
            func.sum(case((Vote.value == -1, 1), else_=0)).label("down"),
        )
        .join(Idea, Idea.id == Vote.idea_id)
        .where(Idea.board_id == board.id, Vote.created_at >= since, *_of_statuses(statuses))
        .group_by(day)
    )
    for row in db.session.execute(query):
        when = row.day if isinstance(row.day, date) else date.fromisoformat(str(row.day)[:10])
        counts[when] = DayCount(when, int(row.up), int(row.down))
    return [counts.get(first + timedelta(days=n)) or DayCount(first + timedelta(days=n), 0, 0) for n in range(days)]
