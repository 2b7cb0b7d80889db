"""Property-based run of schemathesis over the whole OpenAPI document: generated requests, valid
and invalid, must never cause a 5xx nor a response the document does not describe."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support.factories import add_member, make_org

EXAMPLES = 25
# Generated ids name nothing here, so operations on /boards/{board_id}/... and /ideas/{idea_id}/...
# mostly answer 404 (the ideas API before it even reads the query or body): more examples add
# little there but time, about half a second each with a dozen and more such operations.
EXAMPLES_WITH_PATH_IDS = 10
# Operations with rules JSON Schema cannot state, where a request that fits the schema may still
# be refused (422); the other checks (no 5xx, every answer documented) still run on them.
RULES_BEYOND_THE_SCHEMA = {
    # The split must add up to 100 %, the deadline be a day away, texts more than white space.
    "POST /api/v1/challenges",
    "PATCH /api/v1/challenges/{challenge_id}",
}


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
def schema(wsgi, db, user, token_secret):
    add_member(make_org(name="Acme Analytics", slug="acme"), user, "pm", "judge")
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
            (case.query or {}).get("cursor") is not None or operation.label in RULES_BEYOND_THE_SCHEMA
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
