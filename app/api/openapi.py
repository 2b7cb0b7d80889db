"""The OpenAPI 3.1 document, built from the registered operations and their pydantic models, so
it cannot drift from the code that serves the API."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.api.schemas import Error
from app.api.spec import Operation, registry

REF = "#/components/schemas/{model}"
RULE_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
CONVERTER_SCHEMAS = {
    "int": {"type": "integer", "minimum": 0},
    "float": {"type": "number", "minimum": 0},
    "uuid": {"type": "string", "format": "uuid"},
}
AUTHENTICATED = [{"bearerToken": []}, {"sessionCookie": []}]
# What each failure means for an API client; the body is always the Error schema.
FAILURES = {
    400: "The body is not JSON, or a signed-in browser sent no valid `X-CSRFToken`.",
    401: "No valid credentials: the token is unknown or revoked, or there is neither token nor session.",
    403: "Signed in, but not allowed to do this.",
    404: "Not found, or not yours to see.",
    409: "Conflicts with the current state.",
    422: "Some values are not valid; `fields` says which.",
    429: "Too many requests; wait the seconds in `Retry-After`.",
}

DESCRIPTION = f"""\
**Authentication.** Send a personal access token (create one under Settings → API tokens) as
`Authorization: Bearer <token>`. Browser pages may call the API with their session cookie
instead; then unsafe methods need the page's CSRF token in the `X-CSRFToken` header.

**Errors.** Every failure answers with the same body: `{{"error": {{"code", "message", "fields"}}}}`;
`fields` names the inputs at fault. Anything you may not see answers 404.

**Pagination.** Lists take `cursor` (opaque) and `limit` (1 to {MAX_LIMIT}, default {DEFAULT_LIMIT})
and answer `{{"data": [...], "next_cursor": "..." | null}}`. Pass `next_cursor` back as `cursor`
for the next page; null means there is none. Do not build or edit cursors: they are signed.

**Rate limits.** Writes are rate limited per account; over the limit the answer is 429 with
`Retry-After`."""


def document_for(app: Flask) -> dict[str, Any]:
    """The app's document, built on first use: routes cannot change once an app serves requests.
    Callers must not modify it."""
    document = app.extensions.get("api_openapi")
    if document is None:
        document = app.extensions["api_openapi"] = build_document(app)
    return document


def build_document(app: Flask) -> dict[str, Any]:
    operations = registry.for_app(app)
    refs, components = _component_schemas(operations)
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        path, path_parameters = _openapi_path(app, op)
        paths.setdefault(path, {})[op.method.lower()] = _operation(op, path_parameters, refs, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{app.config['SITE_NAME']} API", "version": "1.0.0", "description": DESCRIPTION},
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "tags": [{"name": tag} for tag in dict.fromkeys(t for op in operations for t in op.tags)],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token from Settings → API tokens.",
                },
                "sessionCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": app.config["SESSION_COOKIE_NAME"],
                    "description": "The browser session; unsafe methods need X-CSRFToken.",
                },
            },
        },
    }


def _component_schemas(operations: list[Operation]) -> tuple[dict, dict[str, Any]]:
    """Refs for each (model, mode) pair and the shared `components.schemas`."""
    pairs: list[tuple[type[BaseModel], str]] = [(Error, "serialization")]
    for op in operations:
        if op.response is not None:
            pairs.append((op.response, "serialization"))
        if op.body is not None:
            pairs.append((op.body, "validation"))
    refs, top = models_json_schema(list(dict.fromkeys(pairs)), ref_template=REF)
    return refs, dict(sorted(top.get("$defs", {}).items()))


def _openapi_path(app: Flask, op: Operation) -> tuple[str, list[dict[str, Any]]]:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == op.endpoint)
    parameters = [
        {
            "name": m["name"],
            "in": "path",
            "required": True,
            "schema": dict(CONVERTER_SCHEMAS.get(m["converter"] or "", {"type": "string"})),
        }
        for m in RULE_VARIABLE.finditer(rule.rule)
    ]
    return RULE_VARIABLE.sub(lambda m: "{" + m["name"] + "}", rule.rule), parameters


def _operation(op: Operation, path_parameters: list, refs: dict, components: dict) -> dict[str, Any]:
    error_ref = refs[(Error, "serialization")]
    document: dict[str, Any] = {
        "operationId": op.endpoint,
        "summary": op.summary,
        "tags": list(op.tags),
        "parameters": path_parameters + (_query_parameters(op.query, components) if op.query else []),
        "responses": {},
    }
    if op.description:
        document["description"] = op.description
    if op.auth:
        document["security"] = AUTHENTICATED
    if op.body is not None:
        document["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    success: dict[str, Any] = {"description": "Success." if op.response else "Done; no content."}
    if op.response is not None:
        success["content"] = {"application/json": {"schema": refs[(op.response, "serialization")]}}
    document["responses"][str(op.status)] = success
    for status in op.error_statuses:
        document["responses"][str(status)] = {
            "description": FAILURES.get(status, "Request failed."),
            "content": {"application/json": {"schema": error_ref}},
        }
    return document


def _query_parameters(model: type[BaseModel], components: dict) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=REF)
    components.update(schema.get("$defs", {}))
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = _without_null({k: v for k, v in prop.items() if k not in ("title", "description")})
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if "description" in schema["properties"][name]:
            parameter["description"] = schema["properties"][name]["description"]
        parameters.append(parameter)
    return parameters


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent rather than null: drop the null branch pydantic adds."""
    branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
    if "anyOf" not in schema or len(branches) == len(schema["anyOf"]):
        return schema
    rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default") or (k == "default" and v is not None)}
    return {**branches[0], **rest} if len(branches) == 1 else {**rest, "anyOf": branches}
