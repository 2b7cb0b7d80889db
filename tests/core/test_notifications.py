import re

from ideas.models import Status
from ideas.services.statuses import change_status
from tests.support.factories import login, make_idea, seasoned_user
from voting.services import cast_vote


def test_bell_counts_unread_and_the_page_opens_and_marks_read(app, db):
    idea = make_idea(title="Keyboard shortcuts everywhere")
    voter = seasoned_user()
    cast_vote(voter, idea, 1)
    client = app.test_client()
    login(client, voter)
    assert "bell-count" not in client.get("/").get_data(as_text=True)
    change_status(idea.board.organisation.memberships[0].user, idea, Status.PLANNED, "Soon")

    bell = client.get("/notifications/bell", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert '<span class="bell-count">1</span>' in bell and "<html" not in bell
    page = client.get("/notifications/").get_data(as_text=True)
    assert "“Keyboard shortcuts everywhere” is now Planned" in page
    notification_id = int(re.search(r'action="/notifications/(\d+)/open"', page).group(1))
    opened = client.post(f"/notifications/{notification_id}/open")
    assert opened.headers["Location"] == f"/ideas/{idea.id}#response"
    assert "bell-count" not in client.get("/notifications/bell").get_data(as_text=True)


def test_notifications_of_others_are_404(app, db):
    idea = make_idea()
    voter, snoop = seasoned_user(), seasoned_user()
    cast_vote(voter, idea, 1)
    change_status(idea.board.organisation.memberships[0].user, idea, Status.PLANNED)
    from app.notifications.models import Notification

    theirs = db.session.query(Notification).filter_by(user_id=voter.id).one()
    client = app.test_client()
    login(client, snoop)
    assert client.post(f"/notifications/{theirs.id}/open").status_code == 404
    db.session.refresh(theirs)
    assert theirs.read_at is None
