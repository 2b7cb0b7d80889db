"""Property-based run of schemathesis over the whole OpenAPI document: generated requests, valid
and invalid, must never cause a 5xx nor a response the document does not describe; and a request
the document calls valid, sent to objects that exist, is refused only by a rule the document states
in words where JSON Schema cannot."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from ideas.questions.services.answers import post_answer
from ideas.questions.services.questions import QuestionInput, ask_question
from tests.support.challenges import make_challenge, make_submission
from tests.support.factories import add_member, make_board, make_idea, make_org, seasoned_user

EXAMPLES = 25
# Generated ids name nothing here, so operations on /boards/{board_id}/... and /ideas/{idea_id}/...
# mostly answer 404 (the ideas API before it even reads the query or body): more examples add
# little there but time, about half a second each with a dozen and more such operations.
EXAMPLES_WITH_PATH_IDS = 10
CHALLENGE_RULES = {
    "deadline": "At least a day from now",
    "reward_amount": "in major units of the currency",
    "split": "adding up to 100 and never rising",
    "criteria": "no two names the same, ignoring case",
}
# Rules JSON Schema cannot state (they depend on the clock, the currency, the board or the other
# fields), each with the words that state it in the document: (operation, input) -> words.
RULES_BEYOND_THE_SCHEMA = {
    **{("POST /api/v1/challenges", field): words for field, words in CHALLENGE_RULES.items()},
    **{("PATCH /api/v1/challenges/{challenge_id}", field): words for field, words in CHALLENGE_RULES.items()},
    ("POST /api/v1/boards/{board_id}/ideas", "category_id"): "One of the board's categories",
    ("PATCH /api/v1/ideas/{idea_id}", "category_id"): "One of the board's categories",
    ("POST /api/v1/boards/{board_id}/ideas", "title"): "runs of white space count as one",
    ("PATCH /api/v1/ideas/{idea_id}", "title"): "runs of white space count as one",
    ("POST /api/v1/ideas/{idea_id}/merge", "target_id"): "another idea",
    ("POST /api/v1/ideas/{idea_id}/status", "status"): "current status again needs a message",
    ("PUT /api/v1/submissions/{submission_id}/scores", "scores"): "each criterion once",
    ("PUT /api/v1/ideas/{idea_id}/vote", "value"): "on boards that allow down-votes",
    ("POST /api/v1/boards/{board_id}/questions", "category_id"): "One of the board's categories",
    ("POST /api/v1/boards/{board_id}/questions", "title"): "runs of white space count as one",
    ("PUT /api/v1/questions/{question_id}/solution", "answer_id"): "One of this question's answers",
}
OPERATIONS_WITH_RULES = {operation for operation, _ in RULES_BEYOND_THE_SCHEMA}


@pytest.fixture
def app_config(app_config):
    # Hundreds of generated writes in a few seconds would otherwise meet the rate limit.
    app_config["RATELIMIT_WRITE"] = "100000 per minute"
    return app_config


@pytest.fixture
def wsgi(app):
    """The app, each request in an app context of its own as in production (the test's own
    context would otherwise share `g` between requests)."""

    def isolated(environ, start_response):
        with app.app_context():
            return app(environ, start_response)

    return isolated


@pytest.fixture
def acme(db, user):
    organisation = make_org(name="Acme Analytics", slug="acme")
    add_member(organisation, user, "pm", "judge")
    return organisation


@pytest.fixture
def schema(wsgi, acme, token_secret):
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi)
    loaded.validate()
    return loaded


def _run(operation, mode: GenerationMode, headers: dict[str, str]) -> None:
    examples = EXAMPLES_WITH_PATH_IDS if "{" in operation.path else EXAMPLES

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case):
        excluded = []
        # A cursor is opaque and signed: a string that fits its schema is still refused (422).
        if mode is GenerationMode.POSITIVE and (
            (case.query or {}).get("cursor") is not None or operation.label in OPERATIONS_WITH_RULES
        ):
            excluded.append(positive_data_acceptance)
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    check()


def test_no_server_errors_and_every_response_matches_the_document(schema, token_secret):
    headers = {"Authorization": f"Bearer {token_secret}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {"GET /api/v1/me", "PATCH /api/v1/me", "GET /api/v1/tokens"}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, mode, headers)


@pytest.fixture
def real_ids(acme, user):
    """Objects for the path ids to name, so that generated requests reach the services' rules."""
    board = make_board(acme)
    opened = make_challenge(acme, user, state="open")
    question = ask_question(seasoned_user(), board, QuestionInput("How do I export my invoices?"))
    return {
        "board_id": board.id,
        "idea_id": make_idea(board).id,
        "question_id": question.id,
        "answer_id": post_answer(seasoned_user(), question, "Open Billing, then Export as CSV.").id,
        "challenge_id": make_challenge(acme, user, state="draft").id,
        "submission_id": make_submission(opened).id,
    }


def _documented(document: dict, label: str, field: str) -> str:
    """The document's words on `field` of the operation `label`: its description, that of its
    body's property and of the query parameter."""
    method, path = label.split(" ", 1)
    spec = document["paths"][path][method.lower()]
    words = [spec.get("description", "")]
    body = spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in body:
        body = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    words.append(json.dumps(body.get("properties", {}).get(field, {}), ensure_ascii=False))
    words += [p.get("description", "") for p in spec.get("parameters", []) if p.get("name") == field]
    return " ".join(words)


def _refused_though_valid(operation, headers: dict[str, str], ids: dict[str, int]) -> dict[tuple[str, str], str]:
    """(operation, input) -> message and request, for each refusal (400, 422) of a request that
    fits the document, other than by a rule in RULES_BEYOND_THE_SCHEMA."""
    refused = {}

    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case):
        if (case.query or {}).get("cursor") is not None:
            return  # opaque and signed: see the test above
        for name in case.path_parameters or {}:
            case.path_parameters[name] = ids.get(name, case.path_parameters[name])
        for part in (case.body, case.query):
            if isinstance(part, dict) and "organisation" in part:
                part["organisation"] = "acme"
        response = case.call(headers=headers)
        if response.status_code in (400, 422):
            error = response.json()["error"]
            for field, messages in (error["fields"] or {"": [error["message"]]}).items():
                if (operation.label, field) not in RULES_BEYOND_THE_SCHEMA:
                    refused[(operation.label, field)] = f"{messages[0]} <- {case.body or case.query!r}"[:300]

    check()
    return refused


def test_valid_requests_to_real_objects_are_refused_only_by_documented_rules(schema, real_ids, token_secret, client):
    document = client.get("/api/v1/openapi.json").get_json()
    for (label, field), words in RULES_BEYOND_THE_SCHEMA.items():
        assert words in _documented(document, label, field), (label, field)

    headers = {"Authorization": f"Bearer {token_secret}"}
    refused: dict[tuple[str, str], str] = {}
    for operation in (result.ok() for result in schema.get_all_operations()):
        if operation.method.upper() != "DELETE":  # deleting the idea would leave the rest nothing to name
            refused.update(_refused_though_valid(operation, headers, real_ids))
    assert not refused, "refused though the document calls it valid:\n" + "\n".join(
        f"{label} {field}: {why}" for (label, field), why in refused.items()
    )
