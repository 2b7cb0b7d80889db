"""API operations, declared once: `@operation(...)` adds the Flask route, validates its input with
pydantic, serialises its output, and records it for the OpenAPI document (see `openapi.py`).

    @operation(bp, "GET", "/ideas", summary="List ideas", query=IdeaQuery, response=IdeaPage)
    def list_ideas(query: IdeaQuery) -> IdeaPage: ...

The view gets the path variables, plus `query` and `body` as validated models when declared.
It returns an instance of `response` (or something `response` validates), or None for 204.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from pydantic import BaseModel, ValidationError

from app.api.auth import SAFE_METHODS, check_request
from app.errors_domain import DomainError, ValidationFailed
from app.extensions import csrf
from app.web import JSONTooDeep


class BadBody(DomainError):
    status = 400
    code = "bad_request"


@dataclass(frozen=True)
class Operation:
    endpoint: str
    blueprint: str
    method: str
    rule: str
    summary: str
    description: str
    tags: tuple[str, ...]
    auth: bool
    status: int
    response: type[BaseModel] | None
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    errors: tuple[int, ...]

    @property
    def error_statuses(self) -> list[int]:
        """Every failure status this operation can answer with, for its documentation."""
        statuses = set(self.errors) | {401}  # a bad token is refused on every operation
        if self.query or self.body:
            statuses.add(422)
        if self.body or self.method not in SAFE_METHODS:
            statuses.add(400)  # unreadable body, or missing CSRF token on a session request
        if self.method not in SAFE_METHODS:
            statuses.add(429)  # writes are rate limited
        return sorted(statuses)


class Registry:
    """Every operation declared with `operation`, in declaration order."""

    def __init__(self) -> None:
        self.operations: list[Operation] = []

    def for_app(self, app: Flask) -> list[Operation]:
        return [op for op in self.operations if op.blueprint in app.blueprints]

    def operation(
        self,
        bp: Blueprint,
        method: str,
        rule: str,
        *,
        summary: str,
        response: type[BaseModel] | None = None,
        status: int | None = None,
        query: type[BaseModel] | None = None,
        body: type[BaseModel] | None = None,
        errors: tuple[int, ...] = (),
        auth: bool = True,
        tags: tuple[str, ...] = (),
        description: str = "",
    ) -> Callable:
        method = method.upper()

        def decorator(view: Callable) -> Callable:
            op = Operation(
                endpoint=f"{bp.name}.{view.__name__}",
                blueprint=bp.name,
                method=method,
                rule=rule,
                summary=summary,
                description=description or (view.__doc__ or "").strip(),
                tags=tags,
                auth=auth,
                status=status or (200 if response else 204),
                response=response,
                query=query,
                body=body,
                errors=tuple(errors),
            )

            @functools.wraps(view)
            def wrapper(**path_args: Any):
                refusal = check_request(op.auth)
                if refusal is not None:
                    return refusal
                kwargs = dict(path_args)
                if op.query is not None:
                    kwargs["query"] = _validate(op.query, _query_args())
                if op.body is not None:
                    kwargs["body"] = _validate(op.body, _json_body())
                return _respond(op, view(**kwargs))

            # CSRF is checked by check_request, and only for session-authenticated calls.
            csrf.exempt(wrapper)
            bp.add_url_rule(rule, view_func=wrapper, methods=[method])
            self.operations.append(op)
            return wrapper

        return decorator


def _query_args() -> dict[str, Any]:
    return {key: values[0] if len(values) == 1 else values for key, values in request.args.lists()}


def _json_body() -> Any:
    """The parsed JSON body. Raises BadBody when there is none or it is not JSON."""
    send_json = "Send a JSON body with Content-Type: application/json."
    if not request.is_json:
        raise BadBody(send_json)
    try:
        data = request.json_module.loads(request.get_data(cache=True))
    except ValueError as error:
        raise BadBody(JSONTooDeep.message if isinstance(error, JSONTooDeep) else send_json) from None
    if data is None:
        raise BadBody(send_json)
    return data


def _validate(model: type[BaseModel], data: Any) -> BaseModel:
    """`data` as `model`. Raises ValidationFailed (422) naming each input at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields: dict[str, list[str]] = {}
        for problem in error.errors(include_url=False):
            name = ".".join(str(part) for part in problem["loc"]) or "body"
            fields.setdefault(name, []).append(problem["msg"])
        raise ValidationFailed("Some of the values are not valid.", fields) from None


def _respond(op: Operation, result: Any) -> Response:
    if isinstance(result, Response):
        return result
    if result is None or op.response is None:
        return current_app.response_class(status=204)
    if not isinstance(result, op.response):
        result = op.response.model_validate(result, from_attributes=True)
    return current_app.response_class(result.model_dump_json(), status=op.status, mimetype="application/json")


registry = Registry()
operation = registry.operation
