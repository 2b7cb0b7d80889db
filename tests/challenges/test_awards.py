"""Awards: splitting the funded reward, winners accepting an exclusive assignment in time, passing
a lapsed or declined award to the next-ranked submission, no winner, refunds, and one set of
awards however many times the button is pressed at once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.auth import services as auth_services
from app.errors_domain import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from app.notifications.models import Notification
from challenges.models import Award, AwardState, Challenge, State
from challenges.services import awards, funding, judging
from tests.support.challenges import make_challenge, make_submission
from tests.support.factories import add_member, login, make_user
from tests.support.judging import closed_challenge, give_scores, make_judge, owner_of
from tests.support.live_server import post_at_once, serving, session_cookie


def _ranked(submissions: int = 3, **overrides):
    """A closed challenge ($5,000, split 60/30/10) whose submissions rank in the order given."""
    challenge, entries = closed_challenge(submissions, **overrides)
    judge = make_judge(challenge)
    for n, entry in enumerate(entries):
        give_scores(judge, entry, 10 - n, 10 - n, 10 - n)
    return challenge, entries


def _count_awards() -> int:
    return db.session.scalar(select(func.count()).select_from(Award))


def test_the_split_may_not_exceed_the_funded_reward(db):
    challenge, (a, b, _) = _ranked()
    with pytest.raises(ValidationFailed, match="more than the funded"):
        awards.award(owner_of(challenge), challenge, [(a.id, 400_000), (b.id, 100_001)])
    assert _count_awards() == 0 and challenge.state == State.OPEN


def test_too_many_winners_are_refused(db):
    challenge, entries = _ranked(4)
    with pytest.raises(ValidationFailed, match="at most 3 winners"):
        awards.award(owner_of(challenge), challenge, [(e.id, 1000) for e in entries])
    assert _count_awards() == 0


@pytest.mark.parametrize(
    "allocations, message",
    [
        (lambda a, other: [(a.id, 1000), (a.id, 1000)], "only one award"),
        (lambda a, other: [(a.id, 0)], "greater than zero"),
        (lambda a, other: [(other.id, 1000)], "this challenge's submissions"),
        (lambda a, other: [], "no winner"),
    ],
)
def test_bad_allocations_are_refused(db, allocations, message):
    challenge, (a, _, _) = _ranked()
    _, (other,) = closed_challenge(1)
    with pytest.raises(ValidationFailed, match=message):
        awards.award(owner_of(challenge), challenge, allocations(a, other))
    assert _count_awards() == 0


def test_only_managers_award_and_only_after_the_deadline(db):
    open_challenge = make_challenge()
    entry = make_submission(open_challenge)
    with pytest.raises(Conflict, match="deadline has passed"):
        awards.award(owner_of(open_challenge), open_challenge, [(entry.id, 1000)])
    challenge, (a, _, _) = _ranked()
    judge = make_judge(challenge)
    with pytest.raises(NotAllowed):
        awards.award(judge, challenge, [(a.id, 1000)])
    awards.award(owner_of(challenge), challenge, [(a.id, 1000)])
    with pytest.raises(Conflict, match="already been awarded"):
        awards.award(owner_of(challenge), challenge, [(a.id, 1000)])
    assert _count_awards() == 1


def test_other_ip_terms_are_accepted_at_once_and_the_rest_is_refundable(db):
    challenge, (a, b, _) = _ranked(ip_terms="non_exclusive")
    made = awards.award(owner_of(challenge), challenge, [(a.id, 300_000), (b.id, 150_000)])
    assert [(w.place, w.state, w.accept_by) for w in made] == [
        (1, AwardState.ACCEPTED, None),
        (2, AwardState.ACCEPTED, None),
    ]
    assert challenge.state == State.AWARDED and challenge.awarded_at is not None
    assert funding.refundable_amount(challenge) == 50_000
    assert [w.id for w in funding.payable_awards(challenge)] == [w.id for w in made]
    told = db.session.scalar(
        select(Notification.text).where(Notification.user_id == a.solver_id, Notification.kind == "challenge.award")
    )
    assert "You won $3,000" in told and "accept" not in told


def test_exclusive_assignment_waits_for_acceptance_then_passes_to_the_next_ranked(db):
    challenge, (a, b, c) = _ranked(ip_terms="exclusive", acceptance_days=7)
    owner = owner_of(challenge)
    [first] = awards.award(owner, challenge, [(a.id, 300_000)])
    assert first.state == AwardState.OFFERED and first.accept_by == first.offered_at + timedelta(days=7)
    assert funding.payable_awards(challenge) == []
    told = db.session.scalar(
        select(Notification.text).where(Notification.user_id == a.solver_id, Notification.kind == "challenge.award")
    )
    assert "accept the award by" in told
    with pytest.raises(Conflict, match="lapsed or was declined"):
        awards.pass_award(owner, first)

    with time_machine.travel(first.accept_by + timedelta(seconds=1)):
        with pytest.raises(Conflict, match="time to accept"):
            awards.accept_award(a.solver, first)
        old, new = awards.pass_award(owner, first)
    assert old.state == AwardState.LAPSED
    assert (new.submission_id, new.place, new.amount, new.replaces_id) == (b.id, 1, 300_000, first.id)
    assert new.state == AwardState.OFFERED
    with pytest.raises(Conflict, match="already passed"):
        awards.pass_award(owner, first)
    with pytest.raises(NotAllowed):
        awards.accept_award(a.solver, new)
    awards.accept_award(b.solver, new)
    assert new.state == AwardState.ACCEPTED and new.accepted_at is not None
    managers_told = db.session.scalar(
        select(Notification.text).where(
            Notification.user_id == owner.id, Notification.kind == "challenge.award_accepted"
        )
    )
    assert "accepted the $3,000 award" in managers_told
    assert funding.refundable_amount(challenge) == 200_000


def test_a_declined_award_with_nobody_left_is_refunded(db):
    challenge, (only,) = _ranked(1, ip_terms="exclusive")
    owner = owner_of(challenge)
    [offer] = awards.award(owner, challenge, [(only.id, 500_000)])
    assert funding.refundable_amount(challenge) == 0
    awards.decline_award(only.solver, offer)
    with pytest.raises(Conflict):
        awards.accept_award(only.solver, offer)
    assert funding.refundable_amount(challenge) == 0 and funding.held_amount(challenge) == 500_000
    old, new = awards.pass_award(owner, offer)
    assert old.state == AwardState.RELEASED and new is None
    assert funding.refundable_amount(challenge) == 500_000 and funding.held_amount(challenge) == 0


def test_a_declined_share_cannot_be_passed_on_once_the_challenge_is_paid(db):
    challenge, (a, b, c) = _ranked(ip_terms="exclusive")
    owner = owner_of(challenge)
    first, second = awards.award(owner, challenge, [(a.id, 300_000), (b.id, 200_000)])
    awards.accept_award(a.solver, first)
    awards.decline_award(b.solver, second)
    funding.mark_award_paid(first.id)
    # The declined share may still be passed on, so it is held: not refunded, and not Paid yet.
    assert challenge.state == State.AWARDED
    assert (funding.refundable_amount(challenge), funding.held_amount(challenge)) == (0, 200_000)
    released = awards.release_award(owner, second)
    assert released.state == AwardState.RELEASED and released.closed_at is not None
    assert challenge.state == State.PAID and funding.refundable_amount(challenge) == 200_000
    with pytest.raises(Conflict):
        awards.pass_award(owner, second)
    with pytest.raises(Conflict):
        awards.release_award(owner, second)
    assert _count_awards() == 2


def test_only_a_manager_releases_and_only_a_lapsed_or_declined_share(db):
    challenge, (a, b, _) = _ranked(ip_terms="exclusive")
    owner = owner_of(challenge)
    [offer] = awards.award(owner, challenge, [(a.id, 300_000)])
    with pytest.raises(Conflict, match="lapsed or was declined"):
        awards.release_award(owner, offer)
    awards.decline_award(a.solver, offer)
    with pytest.raises(NotAllowed):
        awards.release_award(make_judge(challenge), offer)
    _old, new = awards.pass_award(owner, offer)
    with pytest.raises(Conflict, match="already passed"):
        awards.release_award(owner, offer)
    assert new.state == AwardState.OFFERED and funding.held_amount(challenge) == 0


def test_an_award_is_never_passed_to_an_unscored_submission(db):
    challenge, (a, b, unscored) = closed_challenge(3, ip_terms="exclusive")
    judge = make_judge(challenge)
    give_scores(judge, a, 9, 9, 9)
    give_scores(judge, b, 8, 8, 8)
    owner = owner_of(challenge)
    first, second = awards.award(owner, challenge, [(a.id, 300_000), (b.id, 200_000)])
    awards.decline_award(a.solver, first)
    old, new = awards.pass_award(owner, first)
    assert new is None and old.state == AwardState.RELEASED
    assert db.session.scalar(select(func.count()).select_from(Award).where(Award.submission_id == unscored.id)) == 0


def test_no_winner_cancels_and_everything_is_refundable(db):
    challenge, _ = _ranked()
    with pytest.raises(ValidationFailed):
        awards.declare_no_winner(owner_of(challenge), challenge, "")
    awards.declare_no_winner(owner_of(challenge), challenge, "None of the entries met the target.")
    assert challenge.state == State.CANCELLED and challenge.no_winner
    assert funding.refundable_amount(challenge) == challenge.funded_amount == 500_000


def test_suggested_allocation_is_the_advertised_split_over_the_top_ranked(db):
    challenge, (a, b, c) = _ranked(reward_amount=100_001)
    suggested = awards.suggested_allocation(challenge, judging.results(challenge))
    assert suggested == {a.id: (1, 60_001), b.id: (2, 30_000), c.id: (3, 10_000)}


# --------------------------------------------------------------------------- pages


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_the_award_page_prefills_confirms_then_awards(app, db):
    challenge, (a, b, c) = _ranked(ip_terms="exclusive")
    client = _client(app, owner_of(challenge))
    page = client.get(f"/challenges/{challenge.id}/award").get_data(as_text=True)
    assert 'value="3000"' in page and 'value="1500"' in page and 'value="500"' in page
    assert "refund policy" in page
    form = {f"place_{a.id}": "1", f"amount_{a.id}": "3000", f"place_{b.id}": "2", f"amount_{b.id}": "1,500"}
    review = client.post(f"/challenges/{challenge.id}/award", data=form)
    html = review.get_data(as_text=True)
    assert (
        review.status_code == 200
        and "Confirm and notify the winners" in html
        and "$500 follows the refund policy" in html
    )
    assert _count_awards() == 0
    too_much = client.post(
        f"/challenges/{challenge.id}/award", data={**form, f"amount_{b.id}": "2500", "confirmed": "1"}
    )
    assert too_much.status_code == 422 and "more than the funded" in too_much.get_data(as_text=True)
    assert _count_awards() == 0
    done = client.post(f"/challenges/{challenge.id}/award", data={**form, "confirmed": "1"})
    assert done.status_code == 303
    assert sorted((w.place, w.amount) for w in db.session.scalars(select(Award))) == [(1, 300_000), (2, 150_000)]


def test_an_amount_with_an_exponent_is_a_form_error(app, db):
    challenge, (a, _, _) = _ranked()
    client = _client(app, owner_of(challenge))
    refused = client.post(
        f"/challenges/{challenge.id}/award", data={f"place_{a.id}": "1", f"amount_{a.id}": "9e999999", "confirmed": "1"}
    )
    assert refused.status_code == 422 and "Enter an amount like 5000" in refused.get_data(as_text=True)
    assert _count_awards() == 0


def test_the_award_page_is_for_managers(app, db):
    challenge, _ = _ranked()
    assert _client(app, make_judge(challenge)).get(f"/challenges/{challenge.id}/award").status_code == 403
    assert _client(app, make_user()).get(f"/challenges/{challenge.id}/award").status_code == 404
    pm = add_member(challenge.organisation, None, "pm")
    assert _client(app, pm).get(f"/challenges/{challenge.id}/award").status_code == 200


def test_no_winner_form_needs_a_reason(app, db):
    challenge, _ = _ranked()
    client = _client(app, owner_of(challenge))
    refused = client.post(f"/challenges/{challenge.id}/no-winner", data={"reason": ""})
    assert refused.status_code == 422 and "Tell the solvers why" in refused.get_data(as_text=True)
    assert (
        client.post(
            f"/challenges/{challenge.id}/no-winner", data={"reason": "No entry reached the target."}
        ).status_code
        == 303
    )
    db.session.refresh(challenge)
    assert challenge.state == State.CANCELLED and challenge.no_winner


def test_the_winner_sees_and_accepts_the_award_others_get_404(app, db):
    challenge, (a, b, _) = _ranked(ip_terms="exclusive")
    [offer] = awards.award(owner_of(challenge), challenge, [(a.id, 500_000)])
    for other in (b.solver, owner_of(challenge)):
        assert _client(app, other).get(f"/awards/{offer.id}").status_code == 404
        assert _client(app, other).post(f"/awards/{offer.id}/accept").status_code == 404
    assert app.test_client().get(f"/awards/{offer.id}").status_code == 404
    client = _client(app, a.solver)
    html = client.get(f"/awards/{offer.id}").get_data(as_text=True)
    assert "$5,000" in html and "assign all rights" in html and "Accept by" in html
    assert client.post(f"/awards/{offer.id}/accept").status_code == 303
    db.session.refresh(offer)
    assert offer.state == AwardState.ACCEPTED
    assert "You accepted" in client.get(f"/awards/{offer.id}").get_data(as_text=True)


def test_pass_to_next_from_the_award_page(app, db):
    challenge, (a, b, _) = _ranked(ip_terms="exclusive")
    [offer] = awards.award(owner_of(challenge), challenge, [(a.id, 300_000)])
    awards.decline_award(a.solver, offer)
    client = _client(app, owner_of(challenge))
    assert "Pass to the next-ranked" in client.get(f"/challenges/{challenge.id}/award").get_data(as_text=True)
    assert client.post(f"/awards/{offer.id}/pass").status_code == 303
    new = db.session.scalar(select(Award).where(Award.replaces_id == offer.id))
    assert new.submission_id == b.id and new.state == AwardState.OFFERED


def test_refund_a_share_instead_from_the_award_page(app, db):
    challenge, (a, b, _) = _ranked(ip_terms="exclusive")
    [offer] = awards.award(owner_of(challenge), challenge, [(a.id, 300_000)])
    awards.decline_award(a.solver, offer)
    assert _client(app, make_judge(challenge)).post(f"/awards/{offer.id}/release").status_code == 403
    assert _client(app, b.solver).post(f"/awards/{offer.id}/release").status_code == 404
    client = _client(app, owner_of(challenge))
    page = client.get(f"/challenges/{challenge.id}/award").get_data(as_text=True)
    assert "Refund this share instead" in page and "held until you pass it on" in page
    assert client.post(f"/awards/{offer.id}/release").status_code == 303
    page = client.get(f"/challenges/{challenge.id}/award").get_data(as_text=True)
    assert "Refunded instead" in page and "Pass to the next-ranked" not in page
    assert re.search(r"refundable under the refund policy:\s*\$5,000", page)
    db.session.refresh(offer)
    assert offer.state == AwardState.RELEASED
    assert db.session.scalar(select(func.count()).select_from(Award).where(Award.replaces_id == offer.id)) == 0


# --------------------------------------------------------------------------- races

CLICKS = 20


def test_twenty_simultaneous_award_clicks_give_one_set_of_awards(app, app_config, db):
    """Each click gives a different split; exactly one is stored, and it is the one that was told
    it succeeded. Each request runs on its own connection of a live server (SQLite or PostgreSQL)."""
    challenge, entries = _ranked()
    token = auth_services.start_session(owner_of(challenge), remember=False)
    challenge_id, (a, b, c) = challenge.id, (entry.id for entry in entries)
    config = {**app_config, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}

    with serving(config) as live:
        cookie = session_cookie(live.app, token)
        clicks = [
            (
                f"/challenges/{challenge_id}/award",
                {
                    "confirmed": "1",
                    f"place_{a}": "1",
                    f"amount_{a}": str(2000 + n),
                    f"place_{b}": "2",
                    f"amount_{b}": "1000",
                    f"place_{c}": "3",
                    f"amount_{c}": "500",
                },
                cookie,
            )
            for n in range(CLICKS)
        ]
        statuses = dict(enumerate(post_at_once(live, clicks)))
        assert live.errors == []

    assert sorted(statuses.values()) == [303] + [409] * (CLICKS - 1)
    [winner] = [n for n, status in statuses.items() if status == 303]
    db.session.commit()  # end this session's snapshot to read what the server wrote
    stored = sorted((w.place, w.submission_id, w.amount) for w in db.session.scalars(select(Award)))
    assert stored == [(1, a, (2000 + winner) * 100), (2, b, 100_000), (3, c, 50_000)]
    assert db.session.get(Challenge, challenge_id).state == State.AWARDED
