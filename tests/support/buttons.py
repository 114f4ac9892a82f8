"""Button kinds in tests: an instance of each with its fields at their longest or shortest, and the matrix rows."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

import pytest

from bot.buttons import ID_DIGITS, Button, Slug, Who

Row = TypeVar("Row")


def longest(kind: type[Button]) -> Button:
    """The button with every field, optional ones too, at its longest."""
    hints = typing.get_type_hints(kind, include_extras=True)
    return kind(*(_value(_required(hints[field.name]), longest=True) for field in dataclasses.fields(kind)))


def shortest(kind: type[Button]) -> Button:
    """The button with its required fields at their shortest and its optional fields left out."""
    hints = typing.get_type_hints(kind, include_extras=True)
    values = [_value(hints[field.name], longest=False) for field in dataclasses.fields(kind)]
    return kind(*values)


def _required(annotation: Any) -> Any:
    """The type inside `X | None`, else the annotation itself."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        return next(arg for arg in get_args(annotation) if arg is not type(None))
    return annotation


def _value(annotation: Any, *, longest: bool) -> Any:
    if get_origin(annotation) in (typing.Union, types.UnionType):
        return None  # an optional field, left out
    if annotation is int:
        return 10**ID_DIGITS - 1 if longest else 0
    if get_origin(annotation) is Annotated:
        slug = next(extra for extra in get_args(annotation)[1:] if isinstance(extra, Slug))
        return ("z9-" * slug.max_length)[: slug.max_length] if longest else "a"
    if get_origin(annotation) is Literal:
        choose = max if longest else min
        return choose(get_args(annotation), key=lambda choice: len(str(choice)))
    raise TypeError(f"no test value for {annotation!r}")


def privileged_kinds(registry: Mapping[str, type[Button]]) -> list[type[Button]]:
    """The kinds only some people may press: each needs a row in the authorisation matrix."""
    return [kind for kind in registry.values() if kind.who is not Who.ANYONE]


def matrix_row(kind: type[Button], rows: Mapping[type[Button], Row]) -> Row:
    """The authorisation-matrix row of a privileged kind; the test fails for a kind without one."""
    if kind not in rows:
        pytest.fail(f"{kind.__name__} ({kind.prefix}:, who={kind.who}) has no row in tests/test_authorisation.py")
    return rows[kind]
