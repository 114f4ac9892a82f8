"""Every kind of button the bot puts under a message: one typed class each, in one registry.

A button kind is a frozen dataclass with a short prefix and typed fields (aiogram's CallbackData, in PTB terms):

    @button("claim", where=Where.LINKED_GROUP, who=Who.VOLUNTEER)
    class Claim(Button):
        request_id: int

    Claim(42).pack() == "claim:42";  Claim.parse("claim:42") == Claim(42);  Claim.pattern routes it.

Field types: `int` (an id), `Slug[n]` (lower-case letters, digits and hyphens, at most n), a `Literal` of words,
and optional trailing fields (`x: ... | None = None`). Where a button may be pressed and who may press it are part
of the declaration: the routing in `bot.app`, the gate that refuses a press out of place and the authorisation-matrix
test all read them from `BUTTONS`. A kind whose longest packed form could exceed Telegram's 64 bytes fails at import.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, Self, get_args, get_origin

MAX_BYTES = 64
SEPARATOR = ":"
ID_DIGITS = 16  # Telegram's ids fit in 52 bits: at most 16 digits


class Where(StrEnum):
    """Where the bot puts a button, so where a press is genuine."""

    PRIVATE = "private"
    GROUP = "group"
    LINKED_GROUP = "linked_group"


class Who(StrEnum):
    """Who may press a button (the services decide; this tells the gate and the authorisation matrix)."""

    ANYONE = "anyone"  # the person the private message was for; no role needed
    VOLUNTEER = "volunteer"  # an approved volunteer of the request's place
    HELPER = "helper"  # the volunteer who holds the request
    RESIDENT = "resident"  # the resident who asked
    COORDINATOR = "coordinator"  # a coordinator of the municipality concerned


@dataclasses.dataclass(frozen=True)
class Slug:
    """Annotation of a text field: lower-case letters, digits and hyphens, at most `max_length` of them."""

    max_length: int


def _field_pattern(annotation: Any) -> tuple[str, int, Callable[[str], Any]]:
    """(regex, longest packed length, parser) of one field's type."""
    if annotation is int:
        return rf"\d{{1,{ID_DIGITS}}}", ID_DIGITS, int
    if get_origin(annotation) is Annotated:
        base, *extras = get_args(annotation)
        slug = next((extra for extra in extras if isinstance(extra, Slug)), None)
        if base is str and slug is not None:
            return rf"[a-z0-9-]{{1,{slug.max_length}}}", slug.max_length, str
    if get_origin(annotation) is Literal:
        words = [str(word) for word in get_args(annotation)]
        return "(?:" + "|".join(re.escape(word) for word in words) + ")", max(map(len, words)), str
    raise TypeError(f"unsupported button field type: {annotation!r}")


def _optional_base(annotation: Any) -> Any | None:
    """The type inside `X | None`, or None when the field is not optional."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        others = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(others) == 1 and len(get_args(annotation)) == 2:
            return others[0]
    return None


class Button:
    """Base of every button kind; see the module docstring."""

    prefix: ClassVar[str]
    where: ClassVar[Where]
    who: ClassVar[Who]
    pattern: ClassVar[re.Pattern[str]]
    longest: ClassVar[int]
    _parsers: ClassVar[tuple[Callable[[str], Any], ...]]

    def pack(self) -> str:
        """The callback data: prefix and fields, separated by colons; an unset optional field is left out."""
        values = [getattr(self, field.name) for field in dataclasses.fields(self)]  # type: ignore[arg-type]
        return SEPARATOR.join([self.prefix, *(str(value) for value in values if value is not None)])

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        """The button behind `data`, or None when `data` is not of this kind (forged, old, other kind)."""
        match = cls.pattern.fullmatch(data or "")
        if match is None:
            return None
        pairs = zip(match.groups(), cls._parsers, strict=True)
        return cls(*(None if raw is None else parser(raw) for raw, parser in pairs))


BUTTONS: dict[str, type[Button]] = {}
"""Every button kind by prefix, in declaration order."""


def button(prefix: str, *, where: Where, who: Who = Who.ANYONE) -> Callable[[type], type]:
    """Declare a button kind: a frozen dataclass with a unique prefix, checked against the 64-byte limit."""

    def declare(cls: type) -> type:
        if prefix in BUTTONS:
            raise ValueError(f"button prefix {prefix!r} is declared twice")
        if not re.fullmatch(r"[a-z]{1,8}", prefix):
            raise ValueError(f"button prefix {prefix!r}: 1-8 lower-case letters")
        cls = dataclasses.dataclass(frozen=True, slots=True)(cls)
        hints = typing.get_type_hints(cls, include_extras=True)
        regex, longest, parsers, optional_seen = re.escape(prefix), len(prefix), [], False
        for field in dataclasses.fields(cls):
            annotation = hints[field.name]
            inner = _optional_base(annotation)
            part, length, parser = _field_pattern(inner if inner is not None else annotation)
            if inner is None and optional_seen:
                raise TypeError(f"{cls.__name__}: a required field after an optional one")
            optional_seen = optional_seen or inner is not None
            group = f"{SEPARATOR}({part})"
            regex += f"(?:{group})?" if inner is not None else group
            longest += len(SEPARATOR) + length
            parsers.append(parser)
        if longest > MAX_BYTES:
            raise ValueError(f"{cls.__name__}: callback data can reach {longest} bytes (Telegram allows {MAX_BYTES})")
        cls.prefix, cls.where, cls.who = prefix, where, who
        cls.pattern = re.compile(f"^{regex}$")
        cls.longest = longest
        cls._parsers = tuple(parsers)
        BUTTONS[prefix] = cls
        return cls

    return declare


def parse_any(data: str | None) -> Button | None:
    """The button behind any callback data, or None when no kind matches."""
    prefix = (data or "").split(SEPARATOR, 1)[0]
    kind = BUTTONS.get(prefix)
    return kind.parse(data) if kind is not None else None
