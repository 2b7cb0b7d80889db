"""The Questions tab, asking, a question's page, answers, kudos (with and without htmx) and
accepting, as visitors, members and product managers see them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from ideas.questions.models import Answer, AnswerKudos, Question
from tests.ideas.questions.conftest import answer, ask
from tests.support.factories import login, make_board, seasoned_user


def client_for(app, user):
    client = app.test_client()
    login(client, user)
    return client


def page_url(question) -> str:
    return f"/questions/{question.id}-{question.slug}"


def test_visitors_read_the_questions_tab_and_a_question(app, community):
    question = ask(community)
    answer(question, community.answerer)
    client = app.test_client()
    board_page = client.get("/boards/acme/support").get_data(as_text=True)
    assert 'href="/boards/acme/support/questions"' in board_page
    listing = client.get("/boards/acme/support/questions")
    assert listing.status_code == 200
    assert question.title in listing.get_data(as_text=True)
    page = client.get(page_url(question)).get_data(as_text=True)
    assert "Open Billing, choose Invoices" in page and "Sign in</a> to answer" in page
    assert 'name="body"' not in page


def test_the_address_redirects_to_its_readable_form(app, community):
    question = ask(community)
    client = app.test_client()
    for wrong in (f"/questions/{question.id}", f"/questions/{question.id}-old-title"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response.headers["Location"].endswith(page_url(question))


def test_lists_show_unanswered_unsolved_and_solved(app, community):
    from ideas.questions.services.solutions import accept_solution

    open_one = ask(community, "Why is the dashboard empty on Mondays?")
    solved = ask(community)
    accept_solution(community.asker, solved, answer(solved, community.answerer))
    client = app.test_client()

    def titles(view):
        return client.get(f"/boards/acme/support/questions?view={view}").get_data(as_text=True)

    assert open_one.title in titles("unanswered") and solved.title not in titles("unanswered")
    assert open_one.title in titles("unsolved") and solved.title not in titles("unsolved")
    assert solved.title in titles("solved") and open_one.title not in titles("solved")
    assert "Solved" in titles("newest")


def test_lists_page_by_keyset(app, community):
    from ideas.questions import routes

    for n in range(routes.PAGE_SIZE + 3):
        ask(community, f"Question number {n:02d} about exports")
    client = app.test_client()
    first = client.get("/boards/acme/support/questions").get_data(as_text=True)
    cursor = re.search(r'cursor=([^"&]+)', first).group(1)
    second = client.get(f"/boards/acme/support/questions?cursor={cursor}").get_data(as_text=True)
    assert "Question number 00 about exports" in second and "Question number 22 about exports" in first
    assert client.get("/boards/acme/support/questions?cursor=forged").status_code == 400


def test_a_member_asks_and_bad_input_gets_errors_beside_the_fields(app, community, db):
    client = client_for(app, community.asker)
    bad = client.post("/boards/acme/support/questions/ask", data={"title": "Help", "tags": "a,b,c,d,e,f"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="title-error"' in html and 'id="tags-error"' in html
    assert db.session.scalar(select(func.count()).select_from(Question)) == 0
    good = client.post(
        "/boards/acme/support/questions/ask",
        data={"title": "How do I invite my whole team at once?", "body": "We are *forty* people."},
    )
    assert good.status_code == 303
    question = db.session.scalar(select(Question))
    assert good.headers["Location"].endswith(page_url(question))
    assert "<em>forty</em>" in client.get(page_url(question)).get_data(as_text=True)


def test_answering_with_too_little_shows_the_error_and_writes_nothing(app, community, db):
    question = ask(community)
    client = client_for(app, community.answerer)
    response = client.post(f"/questions/{question.id}/answers", data={"body": "+1"})
    assert response.status_code == 422
    assert 'id="body-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    posted = client.post(f"/questions/{question.id}/answers", data={"body": "Settings › Team › Invite by CSV."})
    assert posted.status_code == 303 and "#answer-" in posted.headers["Location"]
    assert db.session.get(Question, question.id).answer_count == 1


@pytest.mark.parametrize("htmx", [False, True])
def test_kudos_with_and_without_javascript(app, community, db, htmx):
    question = ask(community)
    reply = answer(question, community.answerer)
    client = client_for(app, community.third)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(f"/answers/{reply.id}/kudos", data={"value": "1"}, headers=headers)
    if htmx:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert 'aria-pressed="true"' in html and '<span class="kudos-count">1</span>' in html
    else:
        assert response.status_code == 303
        page = client.get(page_url(question)).get_data(as_text=True)
        assert 'aria-pressed="true"' in page
    assert db.session.get(Answer, reply.id).kudos_count == 1
    client.post(f"/answers/{reply.id}/kudos", data={"value": "0"}, headers=headers)
    assert db.session.get(Answer, reply.id).kudos_count == 0
    assert db.session.scalar(select(func.count()).select_from(AnswerKudos)) == 0


def test_kudos_on_ones_own_answer_are_refused(app, community, db):
    question = ask(community)
    reply = answer(question, community.answerer)
    client = client_for(app, community.answerer)
    assert f'id="kudos-{reply.id}"' not in client.get(page_url(question)).get_data(as_text=True)
    client.post(f"/answers/{reply.id}/kudos", data={"value": "1"})
    assert db.session.get(Answer, reply.id).kudos_count == 0


def test_the_asker_accepts_and_the_solution_shows_first(app, community, db):
    question = ask(community)
    early = answer(question, community.third, "Try logging out and in again, sometimes it helps.")
    good = answer(question, community.answerer)
    outsider = client_for(app, community.third)
    assert "Accept as the solution" not in outsider.get(page_url(question)).get_data(as_text=True)
    assert outsider.post(f"/questions/{question.id}/solution", data={"answer_id": good.id}).status_code == 403

    asker = client_for(app, community.asker)
    page = asker.get(page_url(question)).get_data(as_text=True)
    assert page.count("Accept as the solution") == 2
    response = asker.post(f"/questions/{question.id}/solution", data={"answer_id": good.id})
    assert response.status_code == 303
    page = app.test_client().get(page_url(question)).get_data(as_text=True)
    assert page.index(f'id="answer-{good.id}"') < page.index(f'id="answer-{early.id}"')
    assert "Accepted solution" in page
    asker.post(f"/questions/{question.id}/solution", data={"answer_id": ""})
    assert db.session.get(Question, question.id).solution_answer_id is None


def test_a_product_manager_accepts_for_the_asker(app, community, db):
    question = ask(community)
    good = answer(question, community.answerer)
    pm = client_for(app, community.pm)
    assert pm.post(f"/questions/{question.id}/solution", data={"answer_id": good.id}).status_code == 303
    assert db.session.get(Question, question.id).solution_answer_id == good.id


def test_a_private_boards_questions_are_404_to_outsiders(app, community, db):
    from tests.support.factories import invite_to_board

    board = make_board(community.org, slug="inner", private=True)
    insider = seasoned_user()
    invite_to_board(board, insider)
    from ideas.questions.services.questions import QuestionInput, ask_question

    question = ask_question(insider, board, QuestionInput("Secret pricing question for insiders"))
    reply = answer(question, insider, "Only insiders should ever read this answer.")
    outsider = client_for(app, seasoned_user())
    for client in (app.test_client(), outsider):
        for method, url in [
            ("GET", "/boards/acme/inner/questions"),
            ("GET", page_url(question)),
            ("GET", f"/questions/{question.id}"),
            ("POST", f"/questions/{question.id}/answers"),
            ("POST", f"/answers/{reply.id}/kudos"),
            ("POST", f"/questions/{question.id}/solution"),
            ("GET", f"/questions/{question.id}/edit"),
            ("POST", f"/answers/{reply.id}/delete"),
        ]:
            response = client.open(url, method=method, data={"body": "x" * 20, "answer_id": reply.id})
            assert response.status_code in ({404} if client is outsider else {303, 404}), (method, url)
            assert "Secret pricing" not in response.get_data(as_text=True)
    assert client_for(app, insider).get(page_url(question)).status_code == 200


def test_posts_need_the_csrf_token(app_config, community, db):
    from app import create_app
    from tests.conftest import IsolatedClient

    app_config["WTF_CSRF_ENABLED"] = True
    csrf_app = create_app(app_config)
    csrf_app.test_client_class = IsolatedClient
    question = ask(community)
    reply = answer(question, community.answerer)
    client = csrf_app.test_client()
    login(client, community.third)
    for url in (
        f"/questions/{question.id}/answers",
        f"/answers/{reply.id}/kudos",
        f"/questions/{question.id}/solution",
        "/boards/acme/support/questions/ask",
    ):
        assert client.post(url, data={"body": "x" * 30, "title": "x" * 30}).status_code == 400, url
    assert db.session.get(Answer, reply.id).kudos_count == 0
    page = client.get(page_url(question)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    ok = client.post(f"/answers/{reply.id}/kudos", data={"value": "1", "csrf_token": token})
    assert ok.status_code == 303
