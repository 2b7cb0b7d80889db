"""The one pagination convention, seen through GET /api/v1/tokens: cursor + limit in,
{data, next_cursor} out; a cursor someone edited is refused, never a 500."""

from datetime import UTC, datetime

import pytest

from app.api import services
from app.api.models import ApiToken
from app.api.pagination import decode_cursor, encode_cursor
from app.errors_domain import ValidationFailed


def _all_pages(api, limit: int) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        query = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = api.get("/api/v1/tokens", query_string=query)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        pages.append([t["name"] for t in body["data"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_pages_cover_every_item_once_newest_first(api, user):
    for n in range(1, 5):
        services.create_token(user, f"t{n}")

    assert _all_pages(api, limit=2) == [["t4", "t3"], ["t2", "t1"], ["test script"]]


def test_rows_with_the_same_sort_key_are_neither_skipped_nor_repeated(api, user, db):
    for n in range(5):
        services.create_token(user, f"same{n}")
    moment = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    for token in db.session.query(ApiToken):
        token.created_at = moment
    db.session.commit()

    names = [name for page in _all_pages(api, limit=2) for name in page]
    assert sorted(names) == sorted(["test script"] + [f"same{n}" for n in range(5)])


def test_default_limit_is_20(api, user):
    for n in range(21):
        services.create_token(user, f"t{n}")
    body = api.get("/api/v1/tokens").get_json()
    assert len(body["data"]) == 20 and body["next_cursor"]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "lots"])
def test_a_limit_outside_1_to_100_is_422_on_the_limit_field(api, limit):
    response = api.get(f"/api/v1/tokens?limit={limit}")
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["limit"]


def test_an_edited_cursor_is_refused_with_422(api, user, app):
    services.create_token(user, "second")
    cursor = api.get("/api/v1/tokens?limit=1").get_json()["next_cursor"]
    edited = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    foreign = encode_cursor("ideas", [1, 2])  # signed, but for another list
    for bad in (edited, foreign, "not-a-cursor", "x" * 600):
        response = api.get("/api/v1/tokens", query_string={"cursor": bad})
        assert response.status_code == 422, bad
        assert "cursor" in response.get_json()["error"]["fields"]


def test_a_signed_cursor_with_values_of_the_wrong_type_is_refused(app):
    columns = (ApiToken.created_at, ApiToken.id)
    with pytest.raises(ValidationFailed):
        decode_cursor("tokens", encode_cursor("tokens", ["yesterday", 1]), columns)
    with pytest.raises(ValidationFailed):
        decode_cursor("tokens", encode_cursor("tokens", ["2030-01-01T00:00:00+00:00", "1"]), columns)
    with pytest.raises(ValidationFailed):
        decode_cursor("tokens", encode_cursor("tokens", [1]), columns)
    moment = datetime(2030, 1, 1, tzinfo=UTC)
    assert decode_cursor("tokens", encode_cursor("tokens", [moment, 7]), columns) == [moment, 7]
