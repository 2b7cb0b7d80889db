"""Turns the OpenAPI document into plain rows the reference page renders: what each operation
takes and answers, and each schema's fields, in words rather than JSON Schema."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

REF_PREFIX = "#/components/schemas/"
# Patterns the API uses, in words; others are shown as they are.
PATTERN_WORDS = {r"\S": "not blank"}


@dataclass
class TypeLabel:
    text: str
    schema: str | None = None  # the component to link to, if any


@dataclass
class FieldRow:
    name: str
    type: TypeLabel
    required: bool
    description: str = ""
    rules: list[str] = field(default_factory=list)
    location: str = ""


@dataclass
class ResponseRow:
    status: str
    description: str
    type: TypeLabel | None


@dataclass
class OperationView:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    tags: list[str]
    authenticated: bool
    parameters: list[FieldRow]
    body: TypeLabel | None
    body_fields: list[FieldRow]
    responses: list[ResponseRow]


@dataclass
class SchemaView:
    name: str
    description: str
    fields: list[FieldRow]


def _ref_name(ref: str) -> str:
    return ref.removeprefix(REF_PREFIX)


def type_label(schema: dict[str, Any]) -> TypeLabel:
    """A short English name for a JSON Schema: "string (date-time)", "array of TokenOut"."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return TypeLabel(name, name)
    if "enum" in schema:
        return TypeLabel("one of " + ", ".join(f'"{v}"' for v in schema["enum"]))
    if "anyOf" in schema:
        labels = [type_label(branch) for branch in schema["anyOf"]]
        linked = next((label.schema for label in labels if label.schema), None)
        return TypeLabel(" or ".join(label.text for label in labels), linked)
    kind = schema.get("type", "any")
    if kind == "array":
        inner = type_label(schema.get("items", {}))
        return TypeLabel(f"array of {inner.text}", inner.schema)
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        inner = type_label(schema["additionalProperties"])
        return TypeLabel(f"map of string to {inner.text}", inner.schema)
    if "format" in schema:
        return TypeLabel(f"{kind} ({schema['format']})")
    return TypeLabel(str(kind))


def rules(schema: dict[str, Any]) -> list[str]:
    """The constraints a value must meet, as short phrases."""
    found: list[str] = []
    for branch in schema.get("anyOf", [schema]):
        if "minLength" in branch or "maxLength" in branch:
            found.append(
                f"{branch.get('minLength', 0)} to {branch['maxLength']} characters"
                if "maxLength" in branch
                else f"at least {branch['minLength']} characters"
            )
        if "minimum" in branch and "maximum" in branch:
            found.append(f"{branch['minimum']} to {branch['maximum']}")
        elif "minimum" in branch:
            found.append(f"at least {branch['minimum']}")
        if "pattern" in branch:
            pattern = branch["pattern"]
            found.append(PATTERN_WORDS.get(pattern, f"matches {pattern}"))
    if schema.get("default") is not None:
        found.append(f"default {schema['default']}")
    return found


def _fields(schema: dict[str, Any]) -> list[FieldRow]:
    required = set(schema.get("required", []))
    return [
        FieldRow(
            name=name,
            type=type_label(prop),
            required=name in required,
            description=prop.get("description", ""),
            rules=rules(prop),
        )
        for name, prop in schema.get("properties", {}).items()
    ]


def operations(document: dict[str, Any]) -> list[OperationView]:
    components = document["components"]["schemas"]
    views = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            body_type = type_label(body["schema"]) if body else None
            views.append(
                OperationView(
                    anchor=op["operationId"].replace(".", "-"),
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    tags=op.get("tags", []),
                    authenticated=bool(op.get("security")),
                    parameters=[
                        FieldRow(
                            name=p["name"],
                            type=type_label(p["schema"]),
                            required=p["required"],
                            description=p.get("description", ""),
                            rules=rules(p["schema"]),
                            location=p["in"],
                        )
                        for p in op.get("parameters", [])
                    ],
                    body=body_type,
                    body_fields=_fields(components[body_type.schema]) if body_type and body_type.schema else [],
                    responses=[
                        ResponseRow(
                            status,
                            response["description"],
                            type_label(response["content"]["application/json"]["schema"])
                            if "content" in response
                            else None,
                        )
                        for status, response in op["responses"].items()
                    ],
                )
            )
    return views


def schemas(document: dict[str, Any]) -> list[SchemaView]:
    return [
        SchemaView(name=name, description=schema.get("description", ""), fields=_fields(schema))
        for name, schema in document["components"]["schemas"].items()
    ]


def inline(text: str) -> Markup:
    """Descriptions as HTML: escaped, with the only markdown they use, **bold** and `code`."""
    html = str(escape(" ".join(text.split())))
    html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
    return Markup(re.sub(r"`(.+?)`", r"<code>\1</code>", html))


def paragraphs(text: str) -> list[Markup]:
    return [inline(block) for block in text.split("\n\n")]
