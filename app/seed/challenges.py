"""Demo challenges for `flask seed-demo`: open, closing soon, in judging and awarded, with
submissions, questions, scores and awards, all through the real services with a `now` in the past.
Running it again adds nothing: a challenge is found by its organisation and title.

Rewards are paid in through the payments package's funding outside Stripe (the seed runs with no
Stripe to call): the same receipt, ledger journals and opening of the challenge as a Checkout, so
Billing, the ledger and the winners' Earnings tell the story the notifications tell.

The story is data (CHALLENGES below); the code underneath only plays it back.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.orgs.models import Organisation
from challenges.models import Challenge, ChallengeType, IPTerms
from challenges.payments import funding
from challenges.services import awards, judging, posting, questions, solving


def md(text: str) -> str:
    return textwrap.dedent(text).strip()


@dataclass
class Entry:
    solver: str
    title: str
    body: str
    days_before_deadline: float = 5
    # judge email -> scores per criterion, in the challenge's criteria order
    scores: dict[str, list[int]] = field(default_factory=dict)
    shortlisted: bool = False
    feedback: str = ""


@dataclass
class Ask:
    asker: str
    body: str
    answer: str = ""
    public: bool = True


@dataclass
class Story:
    org: str
    title: str
    summary: str
    statement: str
    type: str
    reward: int  # major units
    currency: str
    split: list[int]
    criteria: list[tuple[str, int, str]]
    ip_terms: str
    # Days from today: negative is in the past. The challenge was posted `posted` days ago.
    posted: float
    deadline: float
    state: str  # draft, awaiting_funding, open, judging, awarded
    eligibility: str = "Open to individuals and teams of up to five, anywhere sanctions law allows."
    confidential: str = ""
    entries: list[Entry] = field(default_factory=list)
    questions: list[Ask] = field(default_factory=list)
    # (solver email, amount in major units); the award page's choice
    awards: list[tuple[str, int]] = field(default_factory=list)
    accepted: tuple[str, ...] = ()
    # Days from today when the awards were made: recent enough that an exclusive offer not yet
    # accepted is still open (the challenge's acceptance_days, 14, after it).
    awarded: float = -4


FORECAST = Story(
    org="acme",
    title="Forecast weekly demand for 4,000 SKUs with sparse history",
    summary="Most of our retail customers' products sell a few units a week. Beat our baseline forecast "
    "on sparse, intermittent demand.",
    statement=md("""
        Acme Analytics forecasts weekly demand for grocery and apparel retailers. Two thirds of the
        4,000 SKUs in a typical store sell **fewer than five units a week**, with long runs of zeros,
        and our seasonal baseline over-orders them badly.

        ## What we need
        - A forecasting method for intermittent demand that beats the baseline's weighted MAPE by
          at least 15 % on the hold-out weeks.
        - It must run for 4,000 SKUs × 300 stores in under an hour on one 8-core machine.
        - A written explanation a category manager can follow.

        ## What you get
        Three years of anonymised weekly sales (confidential material, after you accept the terms),
        the baseline's code, and the scoring script.
    """),
    type=ChallengeType.REDUCTION_TO_PRACTICE,
    reward=25_000,
    currency="usd",
    split=[60, 30, 10],
    criteria=[
        ("Forecast accuracy", 5, "Weighted MAPE on the hold-out weeks against the baseline."),
        ("Run time", 2, "4,000 SKUs × 300 stores within an hour on 8 cores."),
        ("Explainability", 2, "Can a category manager follow why a forecast moved?"),
        ("Code quality", 1, "Readable, tested, reproducible."),
    ],
    ip_terms=IPTerms.NON_EXCLUSIVE,
    posted=-20,
    deadline=21,
    state="open",
    confidential=md("""
        Data room: `s3://acme-challenge-forecast/` (read-only keys are mailed after acceptance).
        Baseline weighted MAPE on the hold-out: **38.2 %**.
    """),
    entries=[
        Entry(
            "sam@solvers.example.com",
            "Croston-TSB ensemble with hierarchical pooling",
            md("""
                  A TSB (Teunter–Syntetos–Babai) model per SKU, pooled across stores with a
                  hierarchical prior so that sparse SKUs borrow strength from their category.
                  Early result on the public weeks: weighted MAPE **31.0 %** (baseline 38.2 %).
              """),
            days_before_deadline=30,
        ),
        Entry(
            "lena@solvers.example.com",
            "Zero-inflated negative binomial with price features",
            md("""
                  A zero-inflated negative binomial regression on price, promotion and week-of-year,
                  fitted per category. Runs in 22 minutes on 8 cores for the full set.
              """),
            days_before_deadline=28,
        ),
    ],
    questions=[
        Ask(
            "sam@solvers.example.com",
            "Are promotions flagged in the sales data, or do we infer them from price?",
            "Promotions are flagged (column `promo_flag`); price is the shelf price after discount.",
        ),
        Ask(
            "lena@solvers.example.com",
            "May we use external weather data?",
            "Yes, any public data source is fine as long as you document it.",
        ),
        Ask(
            "carlos@retail.example.com",
            "Can I see how my own stores' data would be used?",
            "Your stores are not in this data set; we answered you by email as well.",
            public=False,
        ),
        Ask("sam@solvers.example.com", "Is the hold-out period the last 13 weeks?"),
    ],
)

CONGESTION = Story(
    org="northwind",
    title="Predict dock congestion an hour ahead",
    summary="Trucks queue at our busiest depots. Predict congestion at each dock door an hour ahead "
    "so dispatch can reroute.",
    statement=md("""
        Northwind runs 2,000 depots; at the 40 busiest, trucks wait up to 50 minutes at peak. We log
        every gate-in, door assignment and gate-out.

        Predict, for each dock door, whether it will be congested (queue ≥ 3 trucks) an hour from now.
        Precision matters more than recall: a false alarm reroutes a truck for nothing.
    """),
    type=ChallengeType.IDEATION,
    reward=10_000,
    currency="usd",
    split=[100],
    criteria=[("Precision at 50 % recall", 3, ""), ("Simplicity to deploy", 1, "")],
    ip_terms=IPTerms.SOLVER_KEEPS,
    posted=-25,
    deadline=4,
    state="open",
    entries=[
        Entry(
            "lena@solvers.example.com",
            "Queue-theoretic features plus gradient boosting",
            "An M/M/c estimate of each door's queue from the last hour's arrivals, fed with "
            "calendar features into a gradient-boosted classifier.",
            days_before_deadline=10,
        )
    ],
)

ANOMALIES = Story(
    org="acme",
    title="Spot anomalies in store-level sales before the weekly review",
    summary="Ideas for catching data errors and real anomalies in 300 stores' daily sales, before "
    "managers see them in Monday's report.",
    statement=md("""
        Each Monday, store managers review last week's sales. Too often the surprise is a data error
        (a till that double-counted, a missing upload) rather than real demand. We want ideas for
        flagging anomalies automatically, and for telling errors from real events.
    """),
    type=ChallengeType.IDEATION,
    reward=5_000,
    currency="usd",
    split=[50, 30, 20],
    criteria=[("Originality", 2, ""), ("Feasibility", 3, ""), ("Value to store managers", 3, "")],
    ip_terms=IPTerms.NON_EXCLUSIVE,
    posted=-45,
    deadline=-3,
    state="judging",
    entries=[
        Entry(
            "sam@solvers.example.com",
            "Seasonal decomposition with robust residual scores",
            "STL decomposition per store and department; flag residuals beyond 4 MADs; tell errors "
            "from events by whether neighbouring stores moved too.",
            scores={"jonas@acme.example.com": [6, 8, 8], "priya@acme.example.com": [7, 8, 9]},
            shortlisted=True,
            feedback="Strong and practical. Could you say more about holiday weeks?",
        ),
        Entry(
            "lena@solvers.example.com",
            "Till-level consistency checks before any statistics",
            "Most errors show up as a till whose totals disagree with its item lines. Check those "
            "first, cheaply, then run statistics on what passes.",
            scores={"jonas@acme.example.com": [8, 9, 7], "priya@acme.example.com": [7, 9, 8]},
            shortlisted=True,
        ),
        Entry(
            "hannah.weber@brightmart.example.com",
            "Ask the store managers",
            "A one-click 'this looks wrong' button in the report, feeding a weekly list of suspect "
            "figures back to the data team.",
            scores={"jonas@acme.example.com": [5, 9, 5]},
        ),
    ],
    questions=[
        Ask(
            "hannah.weber@brightmart.example.com",
            "Is a proposal without code acceptable?",
            "Yes: this is an ideation challenge; a clear written proposal is what we need.",
        )
    ],
)

EMPTY_MILES = Story(
    org="northwind",
    title="Cut empty miles on return trips",
    summary="A third of our trucks drive home empty. Find loads for the way back.",
    statement=md("""
        After delivering, 34 % of Northwind's trucks return to their depot empty. Design a method to
        match returning trucks with loads from partner shippers along the way, within the drivers'
        legal hours.
    """),
    type=ChallengeType.THEORETICAL,
    reward=40_000,
    currency="usd",
    split=[75, 25],
    criteria=[
        ("Empty-mile reduction", 4, "On the replayed month of trips."),
        ("Driver hours respected", 3, ""),
        ("Ease of integration", 1, ""),
    ],
    ip_terms=IPTerms.EXCLUSIVE,
    posted=-90,
    deadline=-30,
    state="awarded",
    entries=[
        Entry(
            "lena@solvers.example.com",
            "Column generation over backhaul options",
            "A set-partitioning model solved by column generation: 21 % fewer empty miles on the "
            "replayed month, every route within the drivers' hours.",
            scores={"jonas@acme.example.com": [9, 9, 7], "mei@northwind.example.com": [9, 8, 8]},
            shortlisted=True,
        ),
        Entry(
            "sam@solvers.example.com",
            "Learned matching with a hours-of-service filter",
            "A learned scorer ranks candidate loads; a hard filter keeps every route within the rules. "
            "14 % fewer empty miles.",
            scores={"jonas@acme.example.com": [7, 9, 8], "mei@northwind.example.com": [7, 9, 9]},
            shortlisted=True,
        ),
    ],
    awards=[("lena@solvers.example.com", 30_000), ("sam@solvers.example.com", 10_000)],
    accepted=("lena@solvers.example.com",),
)

DASHBOARD = Story(
    org="acme",
    title="Make the store dashboard load in under a second",
    summary="Our store dashboard takes 4 seconds on a store's back-office PC. Find where the time goes.",
    statement="The store dashboard runs 40 queries and ships 3 MB of JavaScript. We want it under one second "
    "on a 2018 back-office PC over a store's connection.",
    type=ChallengeType.PRIZE,
    reward=8_000,
    currency="eur",
    split=[100],
    criteria=[("Load time achieved", 4, ""), ("Size of the change", 1, "")],
    ip_terms=IPTerms.NON_EXCLUSIVE,
    posted=-2,
    deadline=40,
    state="draft",
)

ROUTE_API = Story(
    org="northwind",
    title="A public API for live route changes",
    summary="Design the API partners would use to push and receive live route changes.",
    statement="Shippers and carriers want to push route changes to us and hear about ours in real time. "
    "Propose the API: resources, events, guarantees, and a migration path.",
    type=ChallengeType.IDEATION,
    reward=3_000,
    currency="gbp",
    split=[100],
    criteria=[("Clarity", 1, ""), ("Fit with our systems", 1, "")],
    ip_terms=IPTerms.SOLVER_KEEPS,
    posted=-1,
    deadline=30,
    state="awaiting_funding",
)

CHALLENGES = [FORECAST, CONGESTION, ANOMALIES, EMPTY_MILES, DASHBOARD, ROUTE_API]


def seed_challenges(users: dict[str, User], now: datetime | None = None) -> int:
    """Plays back CHALLENGES; returns how many challenges it created."""
    now = now or utcnow()
    created = 0
    for story in CHALLENGES:
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == story.org))
        if (
            organisation is None
            or db.session.scalar(
                select(Challenge.id).where(Challenge.organisation_id == organisation.id, Challenge.title == story.title)
            )
            is not None
        ):
            continue
        _play(story, organisation, users, now)
        created += 1
    return created


def _owner(organisation: Organisation) -> User:
    return next(m.user for m in organisation.memberships if m.is_admin)


def _play(story: Story, organisation: Organisation, users: dict[str, User], now: datetime) -> Challenge:
    pm = _owner(organisation)
    posted_at, deadline = now + timedelta(days=story.posted), now + timedelta(days=story.deadline)
    data = posting.ChallengeInput(
        title=story.title,
        summary=story.summary,
        statement=story.statement,
        type=story.type,
        reward_amount=story.reward * 100 if story.currency != "jpy" else story.reward,
        currency=story.currency,
        deadline=deadline,
        ip_terms=story.ip_terms,
        eligibility=story.eligibility,
        confidential_material=story.confidential,
        criteria=story.criteria,
        split=story.split,
    )
    challenge = posting.create_challenge(pm, organisation, data, now=posted_at)
    if story.state == "draft":
        return challenge
    posting.request_funding(pm, challenge, now=posted_at)
    if story.state == "awaiting_funding":
        return challenge
    funding.record_outside_stripe(pm, challenge, now=posted_at + timedelta(hours=2))
    submissions = {}
    for _i, entry in enumerate(story.entries):
        at = deadline - timedelta(days=entry.days_before_deadline)
        solver = users[entry.solver]
        solving.accept_agreement(solver, challenge, now=at - timedelta(minutes=30))
        submissions[entry.solver] = solving.submit(solver, challenge, entry.title, entry.body, now=at)
    _questions(story, challenge, pm, users, posted_at)
    if story.state in ("judging", "awarded"):
        posting.start_judging(pm, challenge, now=deadline + timedelta(hours=1))
        _judge(story, challenge, submissions, users, deadline + timedelta(days=1))
    if story.state == "awarded":
        _award(story, challenge, pm, submissions, users, now + timedelta(days=story.awarded))
    return challenge


def _questions(story: Story, challenge: Challenge, pm: User, users: dict[str, User], posted_at: datetime) -> None:
    for i, ask in enumerate(story.questions):
        at = posted_at + timedelta(days=1 + i)
        question = questions.ask(users[ask.asker], challenge, ask.body, now=at)
        if ask.answer:
            questions.answer(pm, question, ask.answer, public=ask.public, now=at + timedelta(hours=5))


def _judge(story: Story, challenge: Challenge, submissions: dict, users: dict[str, User], at: datetime) -> None:
    for entry in story.entries:
        submission = submissions[entry.solver]
        for judge_email, values in entry.scores.items():
            judging.score(
                users[judge_email], submission, {c.id: v for c, v in zip(challenge.criteria, values)}, {}, now=at
            )
        if entry.shortlisted:
            judging.set_shortlisted(users[judge_email], submission, True)
        if entry.feedback:
            judging.set_feedback(users[judge_email], submission, entry.feedback)


def _award(
    story: Story, challenge: Challenge, pm: User, submissions: dict, users: dict[str, User], at: datetime
) -> None:
    unit = 100 if story.currency != "jpy" else 1
    made = awards.award(
        pm, challenge, [(submissions[email].id, amount * unit) for email, amount in story.awards], now=at
    )
    for award in made:
        if award.solver.email in story.accepted:
            awards.accept_award(award.solver, award, now=at + timedelta(days=1))
