"""The text patterns of the OpenAPI document mean what the services check: at least n characters
once NULs are dropped and white space is stripped from both ends, by Python's (the services'),
Rust's (pydantic's) and any ECMA 262 engine's reading alike."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import StringConstraints, TypeAdapter, ValidationError

from app.api.fields import SPACE, VISIBLE, at_least_visible

# Every character str.strip() removes, and those that the engines' `\s` disagree on.
PYTHON_SPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]
TRICKY = "\x00\x1c\x1d\x1e\x1f\x85\xa0\u200b\ufeff\u2028a b"
texts = st.text(alphabet=st.sampled_from(PYTHON_SPACE + list(TRICKY)), max_size=30)


def service_keeps(value: str) -> int:
    return len(value.replace("\x00", "").strip())


def rust_matches(pattern: str, value: str) -> bool:
    try:
        TypeAdapter(Annotated[str, StringConstraints(pattern=pattern)]).validate_python(value)
    except ValidationError:
        return False
    return True


def test_the_space_class_is_exactly_what_strip_removes():
    spelled = re.compile(f"[{SPACE}]")
    assert [ch for ch in map(chr, range(0x110000)) if spelled.fullmatch(ch)] == PYTHON_SPACE


@pytest.mark.parametrize("length", [1, 2, 5, 20])
@settings(max_examples=300)
@given(value=texts)
def test_pattern_accepts_exactly_what_the_service_keeps(length, value):
    pattern = at_least_visible(length)
    expected = service_keeps(value) >= length
    assert bool(re.search(pattern, value)) is expected
    assert rust_matches(pattern, value) is expected


@pytest.mark.parametrize("value", ["\x85", "\x1c\x1f", " \u3000 ", "\x00"])
def test_white_space_some_engines_call_visible_is_not_enough(value):
    assert not re.search(VISIBLE, value) and not rust_matches(VISIBLE, value)
    assert not rust_matches(at_least_visible(1), value)
