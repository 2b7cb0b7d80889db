"""Board pages issue the same number of SQL statements whatever the number of ideas shown."""

import pytest

from tests.support.factories import login, make_board, make_idea, make_org, seasoned_user
from tests.support.queries import count_queries
from voting.services import cast_vote


@pytest.mark.parametrize("signed_in", [False, True])
def test_board_page_query_count_is_constant(app, db, signed_in):
    board = make_board(make_org(slug="acme"), slug="dash", categories=("Reporting",))
    client = app.test_client()
    viewer = seasoned_user()
    if signed_in:
        login(client, viewer)

    def queries_for_page() -> int:
        client.get("/boards/acme/dash")  # warm caches of the app, not of the data
        with count_queries(db.engine) as statements:
            assert client.get("/boards/acme/dash").status_code == 200
        return len(statements)

    for _ in range(2):
        idea = make_idea(board, tags=["a", "b"], category_id=board.categories[0].id)
        cast_vote(viewer, idea, 1)
    few = queries_for_page()
    for n in range(18):
        idea = make_idea(board, tags=["c", f"t{n}"], category_id=board.categories[0].id)
        cast_vote(viewer, idea, 1)
    many = queries_for_page()
    assert few == many, f"{few} queries for 2 ideas, {many} for 20"
    assert many <= 16
