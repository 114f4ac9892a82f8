"""One message, more than one need: the message in parts, and which need is the main one and which the second.

People write context first and the question last ("Sinds mijn man is overleden woon ik alleen ... Zou iemand
voor mij naar de Jumbo willen gaan?"), or two questions, the main one first ("Kan iemand boodschappen doen?
Daarnaast zou ik graag ... "). A message is cut into parts at sentence ends and before a word that opens a
further need ("daarnaast", "ook": ``[needs]`` in language.toml); each part that clearly names one category is
a :class:`Need`. The main need is the first one in a part that asks for help; a second need is a later one,
in a part that asks for help or opens with such a word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .normalise import tokens

__all__ = ["MatchResult", "Need", "main_and_second", "parts"]

_SENTENCE_END = re.compile(r"[.!?;:\n]+")


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The ranked categories of a message (as ``CategoryMatcher.match``) and a clear second need, if any."""

    matches: list[tuple[str, int]]
    second: str | None = None


@dataclass(frozen=True, slots=True)
class Need:
    """A part of a message that clearly names one category."""

    slug: str
    asks: bool  # the part asks for help ("wie kan", "lukt niet meer")
    opens_further: bool  # the part opens with a word like "daarnaast", "ook"


def parts(text: str, also: frozenset[str]) -> list[list[str]]:
    """The tokens of ``text`` in parts: cut at sentence ends and before a word of ``also``."""
    out: list[list[str]] = []
    for sentence in _SENTENCE_END.split(text):
        current: list[str] = []
        for token in tokens(sentence):
            if token in also and current:
                out.append(current)
                current = []
            current.append(token)
        if current:
            out.append(current)
    return out


def main_and_second(needs: Sequence[Need]) -> tuple[str | None, str | None]:
    """The main need (the first that asks for help) and a different, later second need, or None."""
    main_at = next((i for i, need in enumerate(needs) if need.asks), None)
    if main_at is None:
        return None, None
    main = needs[main_at].slug
    second = next(
        (n.slug for n in needs[main_at + 1 :] if n.slug != main and (n.asks or n.opens_further)),
        None,
    )
    return main, second
