"""Reputation is a list of events: totals equal their sum, `rebuild` reproduces them, and the
Super Fan title goes to exactly the top 0.5 % of a community."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from app.auth.models import User
from app.clock import utcnow
from app.community.rebuild import rebuild
from app.extensions import db
from app.reputation import levels, services
from app.reputation.models import Badge, ReputationEvent, ReputationTotal
from ideas.moderation import services as moderation
from ideas.services.comments import accept_comment, post_comment
from ideas.services.statuses import change_status
from tests.support.factories import make_board, make_idea, make_org, seasoned_user
from tests.support.reputation import give_points, vote


def _total(user, org) -> int:
    return services.total_of(user.id, org.id)


def _assert_totals_are_sums() -> None:
    assert services.cached_totals() == dict(services.sums_of_events().items()) != {}


def _community():
    org = make_org(slug="acme")
    board = make_board(org, slug="dash", downvotes=True)
    return org, board, org.memberships[0].user


def test_votes_on_your_idea_earn_points_and_a_retracted_vote_takes_them_back(db):
    org, board, _pm = _community()
    idea = make_idea(board)
    author = idea.author
    fans = [seasoned_user() for _ in range(3)]
    for fan in fans:
        vote(fan, idea, 1)
    assert _total(author, org) == 30
    vote(fans[0], idea, 0)
    vote(fans[1], idea, -1)
    assert _total(author, org) == 10 - 2
    vote(author, idea, 1)  # never points for voting on your own idea
    assert _total(author, org) == 8
    assert levels.level_for(_total(author, org)).name == "Newcomer"
    _assert_totals_are_sums()


def test_delivery_accepted_answers_spam_and_rejected_flags(db):
    org, board, pm = _community()
    idea = make_idea(board)
    helper = seasoned_user()
    answer = post_comment(helper, idea, "Use the export button under Reports.")
    accept_comment(pm, answer)
    change_status(pm, idea, "delivered", "Shipped in 4.2")
    assert _total(helper, org) == 25 and _total(idea.author, org) == 50
    change_status(pm, idea, "planned", "Reopened: the export breaks on large boards")
    assert _total(idea.author, org) == 0

    spammer_idea = make_idea(board, title="Cheap followers for sale here")
    moderation.remove_as_spam(pm, "idea", spammer_idea.id)
    assert _total(spammer_idea.author, org) == -50
    moderation.restore(pm, "idea", spammer_idea.id)  # a mistake: the points come back
    assert _total(spammer_idea.author, org) == 0

    flagger = seasoned_user()
    give_points(flagger, org, 15)
    moderation.flag(flagger, "idea", idea.id, "abuse")
    moderation.dismiss(pm, "idea", idea.id)
    assert _total(flagger, org) == 5
    badges = set(db.session.scalars(select(Badge.badge).where(Badge.user_id == helper.id)))
    assert badges == {"first_answer"}
    assert {"first_idea", "idea_delivered"} <= set(
        db.session.scalars(select(Badge.badge).where(Badge.user_id == idea.author_id))
    )
    _assert_totals_are_sums()


def test_rebuild_reproduces_the_totals_and_regenerates_lost_events(db, runner):
    org, board, pm = _community()
    idea, other = make_idea(board), make_idea(board)
    voters = [seasoned_user() for _ in range(4)]
    for voter in voters:
        vote(voter, idea, 1)
    vote(voters[0], other, 1)
    answer = post_comment(voters[1], idea, "This is how I do it today.")
    accept_comment(pm, answer)
    moderation.remove_as_spam(pm, "idea", other.id)
    before = services.cached_totals()
    assert rebuild().clean  # nothing to fix when the events were recorded as things happened

    # Lose a derived event and damage the cache: rebuild puts both right.
    db.session.execute(delete(ReputationEvent).where(ReputationEvent.kind == "accepted"))
    db.session.execute(update(ReputationTotal).values(points=0))
    db.session.commit()
    result = runner.invoke(args=["reputation", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "accepted comment" in result.output and "total fixed" in result.output
    assert services.cached_totals() == before == services.sums_of_events()
    # The spam penalty is not derivable from any table: it survives the rebuild as an event.
    assert before[(other.author_id, org.id)] == 10 - 50
    assert "already consistent" in runner.invoke(args=["reputation", "rebuild"]).output


def _members(count: int) -> list[User]:
    now = utcnow()
    users = [
        User(email=f"fan{n}@example.com", password_hash="x", display_name=f"Fan {n}", email_verified_at=now)
        for n in range(count)
    ]
    db.session.add_all(users)
    db.session.commit()
    return users


def _super_fans(org) -> list[int]:
    return sorted(
        db.session.scalars(
            select(ReputationTotal.user_id).where(
                ReputationTotal.organisation_id == org.id, ReputationTotal.super_fan.is_(True)
            )
        )
    )


def test_super_fan_is_exactly_the_top_half_percent_and_moves_with_the_ranking(db):
    org = make_org()
    assert levels.super_fan_count(0) == 0 and levels.super_fan_count(199) == 1
    assert levels.super_fan_count(400) == 2 and levels.super_fan_count(1000) == 5
    members = _members(401)
    for n, member in enumerate(members[:400]):
        services.record(member.id, org.id, 10 + n, "vote", note="test")
    db.session.commit()
    assert _super_fans(org) == sorted([members[399].id, members[398].id])  # 2 of 400
    nobody = members[400]
    services.record(nobody.id, org.id, 0, "vote")  # no points, never a Super Fan
    give_points(members[0], org, 1000)  # climbs to the top
    assert _super_fans(org) == sorted([members[0].id, members[399].id])
    give_points(members[398], org, 1)  # now tied with members[399]: the older account wins
    assert _total(members[398], org) == _total(members[399], org)
    assert _super_fans(org) == sorted([members[0].id, members[398].id])


def test_super_fans_stay_exactly_the_top_after_every_change_though_most_changes_skip_the_ranking(db):
    """Each change re-ranks the community only when it can move the boundary; a random walk
    around the boundary (ties, members reaching and leaving zero, the 400-member step from one
    Super Fan to two) checks the flags against a ranking done here after every step."""
    import random

    org = make_org()
    members = _members(410)
    for n, member in enumerate(members[:398]):
        services.record(member.id, org.id, 1 + n % 50, "vote", note="test")
    db.session.commit()
    walkers = members[390:410]  # near the top of the ranking's ties, and not yet ranked at all
    rng = random.Random(4)
    for _ in range(300):
        services.record(rng.choice(walkers).id, org.id, rng.choice([-30, -7, -1, 1, 2, 7, 30]), "vote", note="test")
        totals = services.cached_totals()
        ranked = sorted((-points, user_id) for (user_id, _org), points in totals.items() if points > 0)
        expected = sorted(user_id for _points, user_id in ranked[: levels.super_fan_count(len(ranked))])
        assert _super_fans(org) == expected
    db.session.commit()


def test_a_single_member_with_points_is_the_super_fan_and_zero_points_never(db):
    org = make_org()
    first, second = _members(2)
    give_points(first, org, 5)
    assert _super_fans(org) == [first.id]
    give_points(first, org, -5)
    assert _super_fans(org) == []
    give_points(second, org, 3)
    assert _super_fans(org) == [second.id]
