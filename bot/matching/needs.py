"""One message, more than one need: the message in parts, and which need is the main one and which the second.

People write context first and the question last ("Sinds mijn man is overleden woon ik alleen ... Zou iemand
voor mij naar de Jumbo willen gaan?"), or two questions, the main one first ("Kan iemand boodschappen doen?
Daarnaast zou ik graag ... "). A message is cut into parts at sentence ends, before a word that opens a further
need or an explanation ("daarnaast", "omdat"), before "en ook" (a word of ``begins`` and one of ``also``) and
at a comma before a question ("..., wie kan mij brengen?"),
all from ``[needs]`` in language.toml. Each part that clearly names one category is a :class:`Need`. The main
need is the first one in a part that asks for help and is not marked as a further need ("ook", "misschien", a
sentence opening with "En"); failing that, a first part that says what does not work out when a further need
follows ("ik begrijp het formulier niet. Daarnaast wil ik graag ..."). A second need is a different, later one
in a part that asks for help or is marked as a further need.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .normalise import tokens

__all__ = ["MatchResult", "Need", "Part", "main_and_second", "parts"]

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
    asks: bool  # the part asks for help ("wie kan", "graag")
    problem: bool  # the part says something does not work out ("lukt niet meer", "snap het niet")
    further: bool  # the part is marked as a further need ("daarnaast", "ook", "misschien")
    sentence: int = 0  # the sentence the part belongs to


@dataclass(frozen=True, slots=True)
class Part:
    """The words of a part of a message, the number of its sentence and the first word of that sentence."""

    words: list[str]
    sentence: int
    lead: str = ""


def parts(
    text: str,
    opens: frozenset[str],
    questions: frozenset[str] = frozenset(),
    pairs: frozenset[tuple[str, str]] = frozenset(),
) -> list[Part]:
    """The words of ``text`` in parts: cut at sentence ends, before a word of ``opens``, before two words of
    ``pairs`` ("... doen en ook de tuin ...") and at a comma before a question ("... en ik heb geen auto, kan
    iemand ons brengen?": ``questions`` holds "kan", "wie")."""
    out: list[Part] = []
    for number, sentence in enumerate(_SENTENCE_END.split(text)):
        current: list[str] = []
        lead = ""
        for clause in sentence.split(","):
            words = tokens(clause)
            lead = lead or (words[0] if words else "")
            if current and words and words[0] in questions:
                out.append(Part(current, number, lead))
                current = []
            for token, following in zip(words, [*words[1:], ""], strict=False):
                if current and (token in opens or (token, following) in pairs):
                    out.append(Part(current, number, lead))
                    current = []
                current.append(token)
        if current:
            out.append(Part(current, number, lead))
    return out


def main_and_second(needs: Sequence[Need], top: str | None = None) -> tuple[str | None, str | None]:
    """The main need and a different, later second need, or None; ``top`` stands in for a main need not found."""
    main_at = next((i for i, need in enumerate(needs) if need.asks and not need.further), None)
    if main_at is None and needs and needs[0].problem and any(need.further for need in needs[1:]):
        main_at = 0
    main = needs[main_at].slug if main_at is not None else None
    first = main or top
    if main_at is None:
        main_at = next((i for i, need in enumerate(needs) if need.slug == first), -1)
    second = next(
        (need.slug for need in needs[main_at + 1 :] if need.slug != first and (need.asks or need.further)),
        None,
    )
    return main, second
