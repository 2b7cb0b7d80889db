"""/api/v1/openapi.json: a valid OpenAPI 3.1 document generated from the code that serves the
API, so it lists exactly the operations that exist."""

import re

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from app.api.spec import registry


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_it_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    errors = [str(e.message) for e in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []


def test_every_ref_resolves(document):
    refs = set(_refs(document))
    assert refs, "the document should share schemas through $ref"
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.split("/")[-1] in document["components"]["schemas"], ref


def test_me_is_documented_with_its_fields_and_auth(document):
    me = document["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearerToken": []}, {"sessionCookie": []}]
    ref = me["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.split("/")[-1]]
    assert {"id", "display_name", "email", "email_verified", "created_at", "organisations"} <= set(schema["required"])
    assert me["responses"]["401"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_error_shape_and_security_schemes_are_described(document):
    components = document["components"]
    assert components["schemas"]["Error"]["required"] == ["error"]
    assert set(components["schemas"]["ErrorDetail"]["required"]) == {"code", "message", "fields"}
    assert components["securitySchemes"]["bearerToken"] == {
        **components["securitySchemes"]["bearerToken"],
        "type": "http",
        "scheme": "bearer",
    }
    assert components["securitySchemes"]["sessionCookie"]["in"] == "cookie"


def test_lists_follow_the_pagination_convention(document):
    listing = document["paths"]["/api/v1/tokens"]["get"]
    parameters = {p["name"]: p for p in listing["parameters"]}
    assert parameters["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
    assert parameters["cursor"]["schema"]["type"] == "string" and not parameters["cursor"]["required"]
    page = document["components"]["schemas"]["TokenPage"]
    assert set(page["required"]) == {"data", "next_cursor"}
    assert "422" in listing["responses"]


def test_writes_document_validation_and_rate_limit_failures(document):
    patch = document["paths"]["/api/v1/me"]["patch"]
    assert patch["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/MeUpdate"}
    assert {"400", "401", "422", "429"} <= set(patch["responses"])


def test_every_api_route_is_in_the_document_and_nothing_else(app, document):
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi_document":
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            served |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert documented == served
    assert {op.endpoint for op in registry.for_app(app)} == {
        op["operationId"] for item in document["paths"].values() for op in item.values()
    }
