"""Board and idea pages, as a browser (no JavaScript) and as htmx sees them."""

import re

import pytest

from ideas.models import Status
from ideas.services.statuses import change_status
from tests.support.factories import login, make_board, make_idea, make_org, seasoned_user
from voting.services import cast_vote

HX = {"HX-Request": "true"}


@pytest.fixture
def board(db):
    return make_board(make_org(slug="acme"), name="Dashboards", slug="dash", categories=("Reporting", "Mobile"))


@pytest.fixture
def customer(app):
    client = app.test_client()
    client.user = seasoned_user(name="Casey Customer")
    login(client, client.user)
    return client


def _titles(html: str) -> list[str]:
    return re.findall(r'class="idea-row-title"><a href="/ideas/\d+">([^<]+)</a>', html)


def test_sorts_top_and_new(client, board):
    old = make_idea(board, title="Older but popular idea")
    new = make_idea(board, title="Newest idea of them all")
    for _ in range(3):
        cast_vote(seasoned_user(), old, 1)
    assert _titles(client.get("/boards/acme/dash?sort=top").get_data(as_text=True))[0] == old.title
    assert _titles(client.get("/boards/acme/dash?sort=new").get_data(as_text=True))[0] == new.title


def test_filters_by_status_category_tag_and_search(client, board):
    reporting = next(c for c in board.categories if c.name == "Reporting")
    make_idea(board, title="Scheduled email reports", category_id=reporting.id, tags=["email"])
    planned = make_idea(board, title="Offline mode for the phone app")
    change_status(board.organisation.memberships[0].user, planned, Status.PLANNED)
    assert _titles(client.get("/boards/acme/dash?status=planned").get_data(as_text=True)) == [planned.title]
    assert _titles(client.get("/boards/acme/dash?category=reporting").get_data(as_text=True)) == [
        "Scheduled email reports"
    ]
    assert _titles(client.get("/boards/acme/dash?tag=email").get_data(as_text=True)) == ["Scheduled email reports"]
    assert _titles(client.get("/boards/acme/dash?q=phone+offline").get_data(as_text=True)) == [planned.title]
    assert "No ideas match" in client.get("/boards/acme/dash?q=zebra").get_data(as_text=True)


def test_pagination_without_javascript_and_load_more_with_htmx(client, board):
    for n in range(25):
        make_idea(board, title=f"Numbered idea {n:02d} here")
    page = client.get("/boards/acme/dash?sort=new").get_data(as_text=True)
    assert len(_titles(page)) == 20
    more = re.search(r'href="(/boards/acme/dash\?cursor=[^"]+)"', page).group(1).replace("&amp;", "&")
    second = client.get(more).get_data(as_text=True)  # a full page for a plain link
    assert "<html" in second and len(_titles(second)) == 5
    fragment = client.get(more, headers=HX)
    assert "<html" not in fragment.get_data(as_text=True) and len(_titles(fragment.get_data(as_text=True))) == 5
    assert "HX-Request" in fragment.headers["Vary"]
    titles = _titles(page) + _titles(second)
    assert len(set(titles)) == 25  # no idea twice, none missing


def test_filter_form_swaps_the_list_for_htmx(client, board):
    make_idea(board, title="Something to find")
    response = client.get("/boards/acme/dash?q=find", headers=HX)
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="idea-list"') and "Something to find" in body


def test_tampered_cursor_is_a_clear_400(client, board):
    response = client.get("/boards/acme/dash?cursor=garbage")
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)


def test_vote_without_javascript_redirects_back_to_the_row(customer, board):
    idea = make_idea(board)
    response = customer.post(f"/ideas/{idea.id}/vote", data={"value": "1", "next": "/boards/acme/dash"})
    assert response.status_code == 303 and response.headers["Location"] == f"/boards/acme/dash#idea-row-{idea.id}"
    assert idea.score == 1


def test_vote_with_htmx_returns_the_widget_and_out_of_band_tally(customer, board):
    idea = make_idea(board)
    response = customer.post(f"/ideas/{idea.id}/vote", data={"value": "1", "context": "page"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'id="vote-{idea.id}"' in html
    assert (
        'aria-pressed="true"' in html
        and '<span class="vote-count" aria-live="polite" aria-label="1 vote">1</span>' in html
    )
    assert f'id="idea-{idea.id}-tally" hx-swap-oob="true"' in html
    on_list = customer.post(f"/ideas/{idea.id}/vote", data={"value": "0"}, headers=HX).get_data(as_text=True)
    assert "hx-swap-oob" not in on_list  # the board list has no tally to update
    assert idea.score == 0


def test_anonymous_visitors_are_sent_to_sign_in_and_back(client, board):
    idea = make_idea(board)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f'href="/login?next=/ideas/{idea.id}"' in page
    htmx_vote = client.post(
        f"/ideas/{idea.id}/vote",
        data={"value": "1"},
        headers={**HX, "HX-Current-URL": f"http://localhost/ideas/{idea.id}"},
    )
    assert htmx_vote.headers["HX-Redirect"] == f"/login?next=/ideas/{idea.id}"


def test_vote_errors_are_clear(customer, board):
    idea = make_idea(board)
    change_status(board.organisation.memberships[0].user, idea, Status.DECLINED, "Not planned")
    response = customer.post(f"/ideas/{idea.id}/vote", data={"value": "1"}, headers=HX)
    assert response.status_code == 409 and "Voting is closed" in response.get_data(as_text=True)
    plain = customer.post(f"/ideas/{idea.id}/vote", data={"value": "1"})
    assert plain.status_code == 303
    assert "Voting is closed" in customer.get(plain.headers["Location"]).get_data(as_text=True)
    assert customer.post(f"/ideas/{idea.id}/vote", data={"value": "7"}).status_code == 400


def test_similar_ideas_fragment_while_typing(client, board):
    make_idea(board, title="Export dashboards to PDF")
    make_idea(board, title="Dark mode")
    html = client.get("/boards/acme/dash/similar?title=pdf export", headers=HX).get_data(as_text=True)
    assert "Export dashboards to PDF" in html and "Dark mode" not in html and "<html" not in html


def test_submit_form_posts_an_idea(customer, board):
    response = customer.post(
        "/boards/acme/dash/new",
        data={
            "title": "Slack alerts for anomalies",
            "body": "*Soon*",
            "category_id": str(board.categories[1].id),
            "tags": "slack",
        },
    )
    page = customer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Slack alerts for anomalies" in page and "<em>Soon</em>" in page and "#slack" in page


def test_submit_form_shows_errors_and_keeps_input(customer, board):
    response = customer.post("/boards/acme/dash/new", data={"title": "Tiny", "body": "keep me"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "8 to 160 characters" in html and "keep me" in html


def test_follow_with_and_without_htmx(customer, board):
    idea = make_idea(board)
    fragment = customer.post(f"/ideas/{idea.id}/follow", data={"follow": "1"}, headers=HX).get_data(as_text=True)
    assert "Following ✓" in fragment and "<html" not in fragment
    assert customer.post(f"/ideas/{idea.id}/follow", data={"follow": "0"}).status_code == 303
    assert idea.follower_count == 1  # the author


def test_pm_sets_status_with_an_official_response(app, board):
    idea = make_idea(board)
    pm = app.test_client()
    login(pm, board.organisation.memberships[0].user)
    pm.post(f"/ideas/{idea.id}/status", data={"status": "planned", "message": "Coming in **Q3**"})
    page = pm.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Official response" in page and "<strong>Q3</strong>" in page and "status-planned" in page


def test_customers_cannot_change_status_or_merge(customer, board):
    idea, other = make_idea(board), make_idea(board)
    assert customer.post(f"/ideas/{idea.id}/status", data={"status": "planned"}).status_code == 404
    assert customer.post(f"/ideas/{idea.id}/merge", data={"target_id": other.id}).status_code == 404
    assert idea.status == Status.OPEN


def test_merged_idea_redirects_to_its_target(app, client, board):
    keep, dup = make_idea(board), make_idea(board)
    pm = app.test_client()
    login(pm, board.organisation.memberships[0].user)
    pm.post(f"/ideas/{dup.id}/merge", data={"target_id": keep.id})
    response = client.get(f"/ideas/{dup.id}")
    assert response.status_code == 301 and response.headers["Location"].startswith(f"/ideas/{keep.id}")
    assert "Merged into" in client.get(f"/ideas/{dup.id}?stay=1").get_data(as_text=True)


def test_feeds_are_valid_atom_with_escaped_content(client, board):
    import xml.etree.ElementTree as ET

    make_idea(board, title="Ampersands & <angle> brackets", body="<script>x</script> **bold**")
    response = client.get("/boards/acme/dash/feed.atom")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = root.find("a:entry", ns)
    assert entry.find("a:title", ns).text == "Ampersands & <angle> brackets"
    assert "<strong>bold</strong>" in entry.find("a:content", ns).text
    assert "<script>" not in entry.find("a:content", ns).text
    ET.fromstring(client.get("/boards/acme/dash/delivered.atom").data)


def test_roadmap_and_changelog(client, board):
    pm = board.organisation.memberships[0].user
    planned, delivered = make_idea(board, title="Planned thing here"), make_idea(board, title="Delivered thing here")
    change_status(pm, planned, Status.PLANNED)
    change_status(pm, delivered, Status.DELIVERED, "Done", release_note="Now in **v5**")
    roadmap = client.get("/boards/acme/dash/roadmap").get_data(as_text=True)
    assert "Planned thing here" in roadmap and "Delivered thing here" in roadmap
    changelog = client.get("/boards/acme/dash/changelog").get_data(as_text=True)
    assert "Delivered thing here" in changelog and "<strong>v5</strong>" in changelog
    assert "Planned thing here" not in changelog


def test_my_lists(customer, board):
    mine = make_idea(board, author=customer.user, title="My own idea here")
    voted = make_idea(board, title="An idea I voted for")
    cast_vote(customer.user, voted, 1)
    assert "My own idea here" in customer.get("/me/ideas").get_data(as_text=True)
    votes_page = customer.get("/me/votes").get_data(as_text=True)
    assert "An idea I voted for" in votes_page and "My own idea here" not in votes_page
    assert "My own idea here" in customer.get("/me/following").get_data(as_text=True)
    assert mine.id
