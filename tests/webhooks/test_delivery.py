"""Events reach a real HTTP receiver on loopback: signed, with the right payload, retried with a
log of every attempt, paused after repeated failures, redeliverable by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import events
from app.db_types import write_transaction
from app.extensions import db
from app.notifications.models import Notification
from app.webhooks.models import DeliveryState, WebhookEndpoint
from challenges.services import awards
from ideas.services import statuses
from tests.support.challenges import make_challenge, make_submission
from tests.support.factories import add_member, make_board, make_idea
from tests.support.judging import closed_challenge, owner_of
from tests.webhooks.conftest import add_endpoint, deliveries, verify


def test_a_delivery_is_signed_so_the_receiver_can_verify_it(org, receiver):
    endpoint, secret = add_endpoint(org, receiver, events=["idea.created"])
    idea = make_idea(make_board(org), title="Dark mode for the dashboard")

    request = receiver.wait_for(1)[0]
    assert request.method == "POST" and request.path == "/hooks"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Ideaforge-Event"] == "idea.created"
    assert request.headers["X-Ideaforge-Delivery"] == str(deliveries(endpoint)[0].id)
    signature = request.headers["X-Ideaforge-Signature"]
    assert verify(secret, signature, request.body)
    assert not verify("whsec_wrong", signature, request.body)
    assert not verify(secret, signature, request.body.replace(b"Dark", b"Lite"))
    payload = request.json()
    assert payload["type"] == "idea.created" and payload["id"].startswith("evt_")
    assert payload["organisation"] == {"id": org.id, "slug": "acme", "name": "Acme Analytics"}
    assert payload["data"]["idea"]["id"] == idea.id
    assert payload["data"]["idea"]["title"] == "Dark mode for the dashboard"
    assert payload["data"]["idea"]["url"].endswith(f"/ideas/{idea.id}")


def test_only_the_events_an_endpoint_asked_for_are_sent(org, receiver):
    board = make_board(org)
    statuses_only, _ = add_endpoint(org, receiver, events=["idea.status_changed"], path="/status")
    idea = make_idea(board)
    statuses.change_status(org.memberships[0].user, idea, "planned", "On the roadmap for June.")

    sent = receiver.wait_for(1)
    assert [r.path for r in sent] == ["/status"]
    data = sent[0].json()["data"]
    assert (data["from_status"], data["to_status"], data["idea"]["id"]) == ("open", "planned", idea.id)
    assert [d.event_type for d in deliveries(statuses_only)] == ["idea.status_changed"]


def _vote(idea, upvotes: int, old: int = 0, new: int = 1) -> None:
    """What the voting service publishes in its write transaction."""
    with write_transaction(db.session):
        events.publish(
            events.VoteChanged(idea.id, idea.author_id, old, new, upvotes, idea.author_id, idea.board.organisation_id)
        )
        db.session.commit()


def test_a_vote_threshold_is_announced_once_per_idea(org, receiver):
    endpoint, _ = add_endpoint(org, receiver, events=["idea.vote_threshold"])
    idea = make_idea(make_board(org))
    _vote(idea, 9)
    _vote(idea, 10)  # crosses 10
    _vote(idea, 9, old=1, new=0)  # retracted ...
    _vote(idea, 10)  # ... and cast again: already announced
    _vote(idea, 50)  # a count that jumps is still one crossing per threshold passed

    sent = [d.payload for d in deliveries(endpoint)]
    assert sorted(r.json()["data"]["threshold"] for r in receiver.wait_for(2)) == [10, 50]
    assert len(sent) == 2


def test_submission_received_carries_no_confidential_content(db, receiver):
    challenge = make_challenge()
    endpoint, _ = add_endpoint(challenge.organisation, receiver, events=["challenge.submission_received"])
    submission = make_submission(challenge, body="Our secret approach: cache the tiles on the edge.")

    request = receiver.wait_for(1)[0]
    assert request.headers["X-Ideaforge-Event"] == "challenge.submission_received"
    data = request.json()["data"]
    assert data["challenge"] == {"id": challenge.id, "title": challenge.title, "url": data["challenge"]["url"]}
    assert data["submission"]["id"] == submission.id
    assert b"secret approach" not in request.body and submission.title.encode() not in request.body


def test_an_award_is_announced(db, receiver):
    challenge, (first, *_rest) = closed_challenge(2)
    endpoint, _ = add_endpoint(challenge.organisation, receiver, events=["challenge.award_made"])
    awards.award(owner_of(challenge), challenge, [(first.id, 1000)])

    data = receiver.wait_for(1)[0].json()["data"]
    assert data["challenge"]["id"] == challenge.id
    assert (data["award"]["place"], data["award"]["amount"], data["award"]["submission_id"]) == (1, 1000, first.id)
    assert [d.state for d in deliveries(endpoint)] == [DeliveryState.SUCCEEDED]


def test_a_failing_receiver_gets_retries_and_the_log_shows_each_attempt(org, receiver, org_admin_client):
    receiver.respond_with((500, "database is down"), (200, "thanks"))
    endpoint, _ = add_endpoint(org, receiver, events=["idea.created"])
    make_idea(make_board(org))

    first, second = receiver.wait_for(2)
    assert first.headers["X-Ideaforge-Delivery"] == second.headers["X-Ideaforge-Delivery"]
    assert first.body == second.body
    (delivery,) = deliveries(endpoint)
    assert delivery.state == DeliveryState.SUCCEEDED
    assert [(a.status_code, a.response_body) for a in delivery.attempts] == [(500, "database is down"), (200, "thanks")]
    page = org_admin_client.get(f"/orgs/acme/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "HTTP 500" in page and "database is down" in page and "HTTP 200" in page and "Delivered" in page


@pytest.fixture
def app_config(app_config):
    app_config.update(WEBHOOK_MAX_ATTEMPTS=2, WEBHOOK_PAUSE_AFTER_FAILURES=3)
    return app_config


def test_after_the_last_attempt_the_delivery_fails_and_can_be_redelivered(org, receiver, org_admin_client):
    receiver.respond_with(503)
    endpoint, secret = add_endpoint(org, receiver, events=["idea.created"])
    make_idea(make_board(org))
    (failed,) = deliveries(endpoint)
    assert failed.state == DeliveryState.FAILED and [a.status_code for a in failed.attempts] == [503, 503]
    assert "Failed" in org_admin_client.get(f"/orgs/acme/webhooks/{endpoint.id}").get_data(as_text=True)

    receiver.respond_with(204)
    response = org_admin_client.post(f"/orgs/acme/webhooks/{endpoint.id}/deliveries/{failed.id}/redeliver")
    assert response.status_code == 303
    failed_again, redelivered = deliveries(endpoint)
    assert redelivered.redelivery_of_id == failed.id and redelivered.state == DeliveryState.SUCCEEDED
    assert redelivered.event_id == failed.event_id
    last = receiver.wait_for(3)[2]
    assert last.body == receiver.requests[0].body and verify(secret, last.headers["X-Ideaforge-Signature"], last.body)


def test_an_endpoint_failing_again_and_again_is_paused_and_the_admins_told(org, receiver):
    receiver.respond_with(500)
    pm = add_member(org, None, "pm")
    endpoint, _ = add_endpoint(org, receiver, events=["idea.created"])
    board = make_board(org)
    for _ in range(3):
        make_idea(board)
        deliveries(endpoint)  # one at a time: the count is of deliveries failed in a row

    db.session.refresh(endpoint)
    assert not endpoint.active and "3 failed deliveries in a row" in endpoint.paused_reason
    told = db.session.scalars(select(Notification).where(Notification.kind == "webhook.paused")).all()
    assert [n.user_id for n in told] == [org.memberships[0].user_id]
    assert pm.id not in [n.user_id for n in told]

    make_idea(board)  # a paused endpoint gets nothing
    assert len(deliveries(endpoint)) == 3 and len(receiver.requests) == 6


def test_a_success_resets_the_failure_count(org, receiver):
    receiver.respond_with(500, 500, 200)
    endpoint, _ = add_endpoint(org, receiver, events=["idea.created"])
    board = make_board(org)
    make_idea(board)
    deliveries(endpoint)
    assert db.session.get(WebhookEndpoint, endpoint.id).failure_streak == 1
    make_idea(board)
    deliveries(endpoint)
    endpoint = db.session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.failure_streak == 0 and endpoint.active
