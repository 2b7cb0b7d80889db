"""A product manager merges a duplicate by finding the idea to keep by its title (not its
number): suggestions for htmx, a page of results without JavaScript, a confirmation, then the
merge. Only the board's product managers reach the search; anyone else gets 404."""

import re

import pytest

from ideas.models import Status
from ideas.services.merging import merge_ideas
from ideas.services.statuses import change_status
from tests.support.factories import add_member, login, make_board, make_idea, make_org, seasoned_user
from voting.services import cast_vote

HX = {"HX-Request": "true"}


@pytest.fixture
def ideas(db):
    board = make_board(make_org(slug="acme"), name="Editor", slug="editor")
    keep = make_idea(board, title="Dark theme for the editor")
    duplicate = make_idea(board, title="Dark mode")
    return board, keep, duplicate


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _pm(board):
    return board.organisation.memberships[0].user


def _found(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'name="into" value="(\d+)"', html)]


def test_the_idea_page_offers_a_search_by_title_not_a_number_field(app, ideas):
    board, _keep, duplicate = ideas
    html = _client(app, _pm(board)).get(f"/ideas/{duplicate.id}").get_data(as_text=True)
    assert "Merge into idea number" not in html and 'name="target_id"' not in html
    assert f'action="/ideas/{duplicate.id}/merge/candidates"' in html and 'name="q"' in html


def test_words_of_the_title_find_the_boards_other_ideas_with_status_and_votes(app, ideas):
    board, keep, duplicate = ideas
    change_status(_pm(board), keep, Status.PLANNED)
    for _ in range(3):
        cast_vote(seasoned_user(), keep, 1)
    make_idea(make_board(board.organisation), title="Dark theme on another board")
    pm = _client(app, _pm(board))

    page = pm.get(f"/ideas/{duplicate.id}/merge/candidates?q=dark+them")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html  # a page to choose from without JavaScript
    assert _found(html) == [keep.id]  # not the idea itself, nor another board's
    assert f"#{keep.id} Dark theme for the editor" in html and "Planned" in html and "3 votes" in html

    fragment = pm.get(f"/ideas/{duplicate.id}/merge/candidates?q=dark", headers=HX)
    assert "<html" not in fragment.get_data(as_text=True) and _found(fragment.get_data(as_text=True)) == [keep.id]
    assert "HX-Request" in fragment.headers["Vary"]
    none = pm.get(f"/ideas/{duplicate.id}/merge/candidates?q=zebra", headers=HX).get_data(as_text=True)
    assert _found(none) == [] and "No other idea on Editor matches “zebra”" in none
    by_number = pm.get(f"/ideas/{duplicate.id}/merge/candidates?q=%23{keep.id}").get_data(as_text=True)
    assert _found(by_number) == [keep.id]


def test_merged_ideas_are_not_offered(app, ideas):
    board, keep, duplicate = ideas
    older = make_idea(board, title="Dark colours please")
    merge_ideas(_pm(board), older, keep)
    html = _client(app, _pm(board)).get(f"/ideas/{duplicate.id}/merge/candidates?q=dark").get_data(as_text=True)
    assert _found(html) == [keep.id]
    confirm = _client(app, _pm(board)).get(f"/ideas/{duplicate.id}/merge?into={older.id}")
    assert confirm.status_code == 422 and "cannot be chosen" in confirm.get_data(as_text=True)


def test_choosing_asks_to_confirm_then_merges_through_the_service(app, ideas):
    board, keep, duplicate = ideas
    voter = seasoned_user()
    cast_vote(voter, duplicate, 1)
    pm = _client(app, _pm(board))

    confirm = pm.get(f"/ideas/{duplicate.id}/merge?into={keep.id}&q=dark")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert (
        f"Merge #{duplicate.id} “Dark mode” into #{keep.id} “Dark theme for the editor”?" in html
        and "Votes, followers and comments move." in html
    )
    assert duplicate.status == Status.OPEN  # asking changes nothing
    assert "<html" not in pm.get(f"/ideas/{duplicate.id}/merge?into={keep.id}", headers=HX).get_data(as_text=True)
    for bad in ("abc", str(duplicate.id), "99999999999999"):
        assert pm.get(f"/ideas/{duplicate.id}/merge?into={bad}").status_code == 422

    done = pm.post(f"/ideas/{duplicate.id}/merge", data={"target_id": keep.id})
    assert done.status_code == 303 and done.headers["Location"] == f"/ideas/{keep.id}"
    assert duplicate.status == Status.MERGED and duplicate.merged_into_id == keep.id and keep.upvotes == 1


@pytest.mark.parametrize("who", ["anonymous", "customer", "member without pm role", "pm of another org"])
def test_only_the_boards_product_managers_reach_the_search_and_confirmation(app, ideas, who):
    board, keep, duplicate = ideas
    client = app.test_client()
    if who == "customer":
        login(client, seasoned_user())
    elif who == "member without pm role":
        login(client, add_member(board.organisation, None, "judge"))
    elif who == "pm of another org":
        login(client, make_org().memberships[0].user)
    for url in (f"/ideas/{duplicate.id}/merge/candidates?q=dark", f"/ideas/{duplicate.id}/merge?into={keep.id}"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert "Dark theme for the editor" not in answer.get_data(as_text=True)
