"""A board with a question, its asker, an answerer and a third member, for the peer support tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ideas.questions.services.answers import post_answer
from ideas.questions.services.questions import QuestionInput, ask_question
from tests.support.factories import make_board, make_org, seasoned_user


@dataclass
class Community:
    org: object
    board: object
    asker: object
    answerer: object
    third: object
    pm: object


@pytest.fixture
def community(db) -> Community:
    org = make_org(slug="acme", name="Acme")
    board = make_board(org, name="Support", slug="support", categories=("Billing",))
    return Community(
        org,
        board,
        seasoned_user(name="Asha Asker"),
        seasoned_user(name="Ben Answerer"),
        seasoned_user(name="Cleo Third"),
        org.memberships[0].user,
    )


def ask(community: Community, title: str = "How do I export my invoices as CSV?", **fields):
    return ask_question(community.asker, community.board, QuestionInput(title, **fields))


def answer(question, author, body: str = "Open Billing, choose Invoices, then Export as CSV.") -> object:
    return post_answer(author, question, body)
