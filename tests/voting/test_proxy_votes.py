import pytest
from sqlalchemy import select

from app.auth.models import User
from app.errors_domain import NotAllowed, ValidationFailed
from ideas.models import Vote
from tests.support.factories import login, make_board, make_idea, make_org, make_user, seasoned_user
from voting.demand.services import create_segment, map_domain
from voting.services import cast_vote, record_proxy_vote


def pm_user(board):
    return board.organisation.memberships[0].user


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


def test_a_new_customer_is_created_only_when_asked_with_the_address_typed_twice(db):
    idea = make_idea()
    pm = idea.board.organisation.memberships[0].user
    with pytest.raises(ValidationFailed) as unknown:
        record_proxy_vote(pm, idea, "New.Person@Initech.example.com")  # a typo makes nobody
    assert "email" in unknown.value.fields
    with pytest.raises(ValidationFailed) as differ:
        record_proxy_vote(
            pm, idea, "New.Person@Initech.example.com", new_customer=True, confirm_email="new.persn@initech.example.com"
        )
    assert differ.value.fields == {"confirm_email": ["The two addresses differ."]}
    assert db.session.scalar(select(User).where(User.email == "new.person@initech.example.com")) is None
    assert idea.score == 0

    record_proxy_vote(
        pm, idea, "New.Person@Initech.example.com", new_customer=True, confirm_email="new.person@initech.example.com"
    )
    user = db.session.scalar(select(User).where(User.email == "new.person@initech.example.com"))
    assert user is not None and not user.email_verified and idea.score == 1


def _pm_client(app, board):
    client = app.test_client()
    login(client, board.organisation.memberships[0].user)
    return client


def test_an_unknown_address_from_the_page_makes_no_phantom_customer(app, db):
    idea = make_idea(make_board(make_org(slug="acme"), slug="dash"))
    pm = _pm_client(app, idea.board)
    users = db.session.query(User).count()
    response = pm.post(
        f"/ideas/{idea.id}/proxy-vote", data={"email": "nobody.42817@example.com"}, follow_redirects=True
    )
    assert "Nobody has the address nobody.42817@example.com yet" in response.get_data(as_text=True)
    assert db.session.query(User).count() == users and idea.score == 0
    response = pm.post(
        f"/ideas/{idea.id}/proxy-vote",
        data={"email": "new@initech.example.com", "new_customer": "y", "confirm_email": "new@initech.example.com"},
        follow_redirects=True,
    )
    assert "Vote recorded for new@initech.example.com." in response.get_data(as_text=True)
    assert db.session.query(User).count() == users + 1 and idea.score == 1


def test_the_people_picker_suggests_the_organisations_customers_with_their_segment(app, db):
    board = make_board(make_org(slug="acme"), slug="dash")
    idea = make_idea(board)
    gloria = make_user("gloria@globex.example.com", name="Gloria Globex")
    cast_vote(gloria, make_idea(board), 1)  # a customer of this organisation
    stranger = make_user("glenda@elsewhere.example.com", name="Glenda Elsewhere")  # known to nobody here
    pm = _pm_client(app, board)
    enterprise = create_segment(pm_user(board), board.organisation, "Enterprise", 5)
    map_domain(pm_user(board), board.organisation, "globex.example.com", enterprise.id, None)

    fragment = pm.get(f"/ideas/{idea.id}/proxy-vote/people?q=gl", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert f'name="customer_id" value="{gloria.id}"' in html and "Enterprise" in html
    assert stranger.email not in html
    # Without JavaScript the same search is a page with the form around its results.
    page = pm.get(f"/ideas/{idea.id}/proxy-vote/people?q=globex").get_data(as_text=True)
    assert "Gloria Globex" in page and f'action="/ideas/{idea.id}/proxy-vote"' in page

    # Choosing a suggestion records the vote for that person.
    pm.post(f"/ideas/{idea.id}/proxy-vote", data={"customer_id": str(gloria.id), "note": "Call"})
    vote = db.session.scalar(select(Vote).where(Vote.idea_id == idea.id))
    assert vote.user_id == gloria.id and vote.proxy_note == "Call"
    # Someone the organisation does not know cannot be chosen by id either.
    other = make_idea(board)
    pm.post(f"/ideas/{other.id}/proxy-vote", data={"customer_id": str(stranger.id)})
    assert other.score == 0


def test_only_the_organisations_product_managers_may_search_its_people(app, db):
    board = make_board(make_org(slug="acme"), slug="dash")
    idea = make_idea(board)
    make_user("gloria@globex.example.com", name="Gloria Globex")
    customer = app.test_client()
    login(customer, seasoned_user())
    assert customer.get(f"/ideas/{idea.id}/proxy-vote/people?q=gl").status_code == 404
    other_pm = app.test_client()
    login(other_pm, make_org(slug="globex").memberships[0].user)
    assert other_pm.get(f"/ideas/{idea.id}/proxy-vote/people?q=gl").status_code == 404
    assert app.test_client().get(f"/ideas/{idea.id}/proxy-vote/people?q=gl").status_code in (302, 303)


def test_only_pms_record_votes_for_others(app, db):
    idea = make_idea()
    with pytest.raises(NotAllowed):
        record_proxy_vote(seasoned_user(), idea, "someone@example.com")
    client = app.test_client()
    login(client, seasoned_user())
    assert client.post(f"/ideas/{idea.id}/proxy-vote", data={"email": "x@example.com"}).status_code == 404
    assert idea.score == 0
