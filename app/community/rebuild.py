"""`flask reputation rebuild`: regenerate what the rules derive from the source tables, then
recompute every cached total from the events and the Super Fan flags, reporting what differed."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.community import question_rules, rules
from app.db_types import writes
from app.extensions import db
from app.orgs.models import Organisation
from app.reputation import services
from app.reputation.models import ReputationEvent
from ideas.models import Board, Idea, Status


@dataclass
class Report:
    events_added: list[str] = field(default_factory=list)
    totals_fixed: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.events_added and not self.totals_fixed


def _recorded(kind: str, subject_type: str) -> dict[int, tuple[int, dict[int, int]]]:
    rows = db.session.execute(
        select(
            ReputationEvent.subject_id,
            ReputationEvent.organisation_id,
            ReputationEvent.user_id,
            func.sum(ReputationEvent.points),
        )
        .where(ReputationEvent.kind == kind, ReputationEvent.subject_type == subject_type)
        .group_by(ReputationEvent.subject_id, ReputationEvent.organisation_id, ReputationEvent.user_id)
    ).all()
    result: dict[int, tuple[int, dict[int, int]]] = {}
    for subject_id, org_id, user_id, points in rows:
        result.setdefault(subject_id, (org_id, {}))[1][user_id] = int(points or 0)
    return result


def _regenerate(report: Report) -> None:
    for kind, subject_type, derive in rules.DERIVED + question_rules.DERIVED:
        expected, recorded = derive(), _recorded(kind, subject_type)
        for subject_id in sorted(set(expected) | set(recorded)):
            org_id, want = expected.get(subject_id) or (recorded[subject_id][0], {})
            have = recorded.get(subject_id, (org_id, {}))[1]
            if want != {k: v for k, v in have.items() if v}:
                services.settle(kind, subject_type, subject_id, org_id, want, note="rebuild")
                report.events_added.append(f"{kind} {subject_type} #{subject_id}: {have or '{}'} -> {want or '{}'}")


def _badges() -> None:
    """Milestones reached before badges existed (or whose events were lost)."""
    for _idea_id, author_id, org_id, status in db.session.execute(
        select(Idea.id, Idea.author_id, Board.organisation_id, Idea.status)
        .join(Board, Board.id == Idea.board_id)
        .where(Idea.author_id.is_not(None))
    ):
        services.award_badge(author_id, org_id, "first_idea")
        if status == Status.DELIVERED:
            services.award_badge(author_id, org_id, "idea_delivered")
    for _comment_id, (org_id, members) in rules.derive_accepted().items():
        for user_id in members:
            rules.answer_badges(user_id, org_id)
    for _id, (org_id, members) in rules.derive_shortlisted().items():
        for user_id in members:
            services.award_badge(user_id, org_id, "first_shortlist")
    for _id, (org_id, members) in rules.derive_awarded().items():
        for user_id in members:
            services.award_badge(user_id, org_id, "first_win")


@writes
def rebuild(regenerate: bool = True) -> Report:
    report = Report()
    if regenerate:
        _regenerate(report)
        _badges()
    db.session.flush()
    report.totals_fixed = services.write_totals(services.sums_of_events())
    db.session.flush()
    for org_id in db.session.scalars(select(Organisation.id)):
        services.refresh_super_fans(org_id)
    db.session.commit()
    return report
