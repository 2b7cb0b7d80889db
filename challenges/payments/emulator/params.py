"""Request parameters: decode Stripe's form encoding and check it against the SDK's own types.

The ``stripe.params`` TypedDicts are generated from Stripe's API spec, so checking against them
refuses what Stripe would refuse (unknown or missing parameters, bad integers, bad enum values)
without copying the spec by hand.
"""

import functools
import re
import types
import typing

from stripe._request_options import RequestOptions
from typing_extensions import is_typeddict

from .errors import invalid

# Client-side options live on the same TypedDicts but never travel as parameters.
_CLIENT_OPTIONS = frozenset(RequestOptions.__annotations__)
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def decode(pairs):
    """Turn ``[("line_items[0][quantity]", "1"), ...]`` into nested dicts and lists."""
    root = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if not match:
            raise invalid(f"Invalid parameter name: {key}", code="parameter_invalid", param=key)
        parts = [match.group(1)] + re.findall(r"\[([^\[\]]*)\]", match.group(2))
        node = root
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            if part == "":  # "expand[]=x" appends, like Rack-style arrays
                part = str(len(node))
            if last:
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise invalid(f"Invalid hash: {key}", code="parameter_invalid", param=key)
                node = child
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    converted = {k: _lists(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


@functools.cache
def fields(cls):
    """The API parameters a TypedDict allows, with their resolved types."""
    annotations = {k: v for k, v in cls.__annotations__.items() if k not in _CLIENT_OPTIONS}
    # Evaluate the forward references in the module that declares them.
    holder = type("Params", (), {"__annotations__": annotations, "__module__": cls.__module__})
    return typing.get_type_hints(holder, include_extras=True)


def check(params, cls):
    """Validate decoded params against ``cls``; return them with ints and booleans converted."""
    return _check(params, cls, "")


def _name(path, key):
    return f"{path}[{key}]" if path else str(key)


def _unwrap(tp):
    while typing.get_origin(tp) in (typing.NotRequired, typing.Required, typing.Annotated):
        tp = typing.get_args(tp)[0]
    return tp


def _check(value, tp, path):
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if is_typeddict(tp):
        return _check_object(value, tp, path)
    if origin is typing.Union or origin is types.UnionType:
        return _check_union(value, typing.get_args(tp), path)
    if origin is typing.Literal:
        if value not in typing.get_args(tp):
            allowed = ", ".join(repr(v) for v in typing.get_args(tp))
            raise invalid(f"Invalid {path}: must be one of {allowed}", code="parameter_invalid", param=path)
        return value
    if origin is list:
        if not isinstance(value, list):
            raise invalid(f"Invalid array: {path}", code="parameter_invalid", param=path)
        (item,) = typing.get_args(tp) or (typing.Any,)
        return [_check(v, item, _name(path, i)) for i, v in enumerate(value)]
    if origin is dict or getattr(origin, "__name__", "") == "UntypedStripeObject":
        if not isinstance(value, dict):
            raise invalid(f"Invalid object: {path}", code="parameter_invalid", param=path)
        args = typing.get_args(tp)
        item = args[-1] if args else typing.Any
        return {k: _check(v, item, _name(path, k)) for k, v in value.items()}
    return _check_scalar(value, tp, path)


def _check_object(value, tp, path):
    if not isinstance(value, dict):
        raise invalid(f"Invalid object: {path}", code="parameter_invalid", param=path)
    allowed = fields(tp)
    for key in value:
        if key not in allowed:
            name = _name(path, key)
            raise invalid(f"Received unknown parameter: {name}", code="parameter_unknown", param=name)
    for key in sorted(getattr(tp, "__required_keys__", ())):
        if key not in _CLIENT_OPTIONS and key not in value:
            name = _name(path, key)
            raise invalid(f"Missing required param: {name}.", code="parameter_missing", param=name)
    return {k: _check(v, allowed[k], _name(path, k)) for k, v in value.items()}


def _check_union(value, members, path):
    literals = [v for m in members if typing.get_origin(m) is typing.Literal for v in typing.get_args(m)]
    # "Literal['a', 'b']|str" is an enum the SDK leaves open for newer API versions; the API
    # itself accepts only the listed values ("Literal['']|str" is a string that may be emptied).
    if str in members and isinstance(value, str) and [v for v in literals if v != ""]:
        if value not in literals:
            allowed = ", ".join(v for v in literals if v)
            raise invalid(f"Invalid {path}: must be one of {allowed}", code="parameter_invalid", param=path)
        return value
    first_error = None
    for member in sorted(members, key=_preference(value)):
        try:
            return _check(value, member, path)
        except Exception as error:
            first_error = first_error or error
    raise first_error


def _preference(value):
    # Try the member whose shape matches the value first, so its error is the one reported.
    def rank(member):
        member = _unwrap(member)
        origin = typing.get_origin(member)
        if isinstance(value, dict):
            return 0 if is_typeddict(member) or origin is dict else 1
        if isinstance(value, list):
            return 0 if origin is list else 1
        return 1 if is_typeddict(member) or origin in (list, dict) else 0

    return rank


def _check_scalar(value, tp, path):
    if tp is typing.Any or tp is object:
        return value
    if not isinstance(value, str):
        raise invalid(f"Invalid {path}: expected a single value", code="parameter_invalid", param=path)
    if tp is bool:
        if value not in ("true", "false"):
            raise invalid(f"Invalid boolean: {value}", code="parameter_invalid_boolean", param=path)
        return value == "true"
    if tp is int:
        if not re.fullmatch(r"-?\d+", value):
            raise invalid(f"Invalid integer: {value}", code="parameter_invalid_integer", param=path)
        return int(value)
    if tp is float:
        try:
            return float(value)
        except ValueError:
            raise invalid(f"Invalid decimal: {value}", code="parameter_invalid", param=path) from None
    return value
