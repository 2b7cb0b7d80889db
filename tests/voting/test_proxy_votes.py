import pytest
from sqlalchemy import select

from app.auth.models import User
from app.errors_domain import NotAllowed
from ideas.models import Vote
from tests.support.factories import login, make_board, make_idea, make_org, make_user, seasoned_user
from voting.services import cast_vote, record_proxy_vote


def test_pm_records_a_customers_vote_marked_as_such(app, db):
    board = make_board(make_org(slug="acme"), slug="dash")
    idea = make_idea(board)
    pm = app.test_client()
    pm_user = board.organisation.memberships[0].user
    login(pm, pm_user)
    customer = make_user("buyer@globex.example.com", name="Gloria Globex")
    pm.post(f"/ideas/{idea.id}/proxy-vote", data={"email": "buyer@globex.example.com", "note": "Call on 12 May"})
    vote = db.session.scalar(select(Vote).where(Vote.idea_id == idea.id))
    assert (vote.user_id, vote.proxy_by_id, vote.proxy_note) == (customer.id, pm_user.id, "Call on 12 May")
    assert idea.score == 1
    page = pm.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Gloria Globex" in page and "recorded by" in page and "Call on 12 May" in page
    # The customer voting themselves later is still one vote.
    cast_vote(customer, idea, 1)
    assert idea.score == 1


def test_unknown_customer_gets_an_account_to_claim(db):
    idea = make_idea()
    pm = idea.board.organisation.memberships[0].user
    record_proxy_vote(pm, idea, "New.Person@Initech.example.com")
    user = db.session.scalar(select(User).where(User.email == "new.person@initech.example.com"))
    assert user is not None and not user.email_verified and idea.score == 1


def test_only_pms_record_votes_for_others(app, db):
    idea = make_idea()
    with pytest.raises(NotAllowed):
        record_proxy_vote(seasoned_user(), idea, "someone@example.com")
    client = app.test_client()
    login(client, seasoned_user())
    assert client.post(f"/ideas/{idea.id}/proxy-vote", data={"email": "x@example.com"}).status_code == 404
    assert idea.score == 0
