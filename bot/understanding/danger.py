"""Words of danger (``data/danger.toml``): which kind a message names and which help lines to give.

A kind is named by one of its ``urgent`` phrases, always, or by one of its ``signs`` or one of the
combinations of ``[concepts]`` (:mod:`bot.understanding.concepts`) unless a ``not_when`` phrase of that
kind or a ``[not_danger] near`` phrase lies within ``GUARD_GAP`` words of it ("de brand in het nieuws"),
or a ``[not_danger] anywhere`` phrase is in the message (a joke). When in doubt the rule is danger:
nothing ever cancels an urgent phrase. The ``[ordinary]`` words are never read as a typo of a danger
word ("gewend" is no "geweld"). A help line's number typed in digits names the kind that lists it under
``numbers`` when the other words are ``[called_number]`` words ("bel 112!"), not in an address.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.matching.normalise import tokens

from .concepts import CONCEPT, combined_kinds, used_concepts
from .kinds import DangerKind
from .phrases import Found, phrase_list, with_groups

#: A guard cancels a sign when at most this many words lie between them.
GUARD_GAP = 4
URGENT, SIGNS, NOT_WHEN = "urgent", "signs", "not_when"
NOT_DANGER, NEAR, ANYWHERE = "not_danger", "near", "anywhere"
ORDINARY, CALLED_NUMBER = "ordinary", "called_number"
# Digits typed in a message, with spaces or dashes between groups: "112", "0800-0113", "0800 2000".
_DIGITS = re.compile(r"\d+(?:[\s-]\d+)*")
LANGUAGES = ("nl", "en", "de")


@dataclass(frozen=True, slots=True)
class HelpLine:
    """A number to call: 112, 113 Zelfmoordpreventie, Veilig Thuis."""

    slug: str
    name: str
    phones: tuple[str, ...]
    free: bool
    use: dict[str, str]


@dataclass(frozen=True, slots=True)
class DangerRules:
    """The kinds of danger in file order (the first named wins), their phrases and their help lines."""

    kinds: tuple[DangerKind, ...]
    lines: dict[DangerKind, tuple[HelpLine, ...]]
    phrases: dict[tuple[str, str], tuple[str, ...]]  # (kind, "not_danger" or "concept", list) -> phrases
    ordinary: frozenset[str] = frozenset()  # words that are never a typo of a danger word ("gewend", "geweld")
    numbers: dict[str, DangerKind] = field(default_factory=dict)  # a help line's digits -> the kind it names
    number_words: frozenset[str] = frozenset()  # words that may stand beside such a number ("bel", "bellen")

    @classmethod
    def from_file(cls, path: Path) -> DangerRules:
        """Read and validate ``danger.toml``."""
        with Path(path).open("rb") as handle:
            return cls.from_dict(tomllib.load(handle))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DangerRules:
        """Validate: every kind once, with help lines that exist and have a number; no empty lists; the
        concepts that the combinations need, each used."""
        help_lines = {entry["slug"]: _help_line(entry) for entry in data.get("line", ())}
        concepts = {
            name: phrase_list(f"danger.toml: [concepts] {name}", words)
            for name, words in data.get("concepts", {}).items()
        }
        missing_concepts = used_concepts() - set(concepts)
        if missing_concepts:
            raise ValueError(f"danger.toml: [concepts] misses {sorted(missing_concepts)}")
        referred: set[str] = set()
        kinds: list[DangerKind] = []
        lines: dict[DangerKind, tuple[HelpLine, ...]] = {}
        phrases: dict[tuple[str, str], tuple[str, ...]] = {}
        numbers: dict[str, DangerKind] = {}
        for entry in data.get("danger", ()):
            kind = DangerKind(entry["kind"])
            if kind in kinds:
                raise ValueError(f"danger.toml: {kind} is listed twice")
            kinds.append(kind)
            slugs = entry.get("lines") or []
            if not slugs or any(slug not in help_lines for slug in slugs):
                raise ValueError(f"danger.toml: {kind} needs lines that are listed under [[line]], got {slugs}")
            lines[kind] = tuple(help_lines[slug] for slug in slugs)
            for number in entry.get("numbers", ()):
                if not any(number in line.phones for line in lines[kind]) or _digits(number) in numbers:
                    raise ValueError(f"danger.toml: {kind} number {number!r} is none of its lines' or listed twice")
                numbers[_digits(number)] = kind
            for tier in (URGENT, SIGNS, NOT_WHEN):
                if tier in entry:
                    items = phrase_list(f"danger.toml: {kind} {tier}", entry[tier])
                    phrases[(kind.value, tier)] = tuple(
                        with_groups(phrase, concepts, "danger.toml", referred) for phrase in items
                    )
            if (kind.value, URGENT) not in phrases and (kind.value, SIGNS) not in phrases:
                raise ValueError(f"danger.toml: {kind} has neither urgent phrases nor signs")
        missing = set(DangerKind) - set(kinds)
        if missing:
            raise ValueError(f"danger.toml: no [[danger]] for {sorted(missing)}")
        unused = set(concepts) - used_concepts() - referred
        if unused:
            raise ValueError(f"danger.toml: [concepts] {sorted(unused)} are in no combination and no @phrase")
        for name, items in concepts.items():
            phrases[(CONCEPT, name)] = items
        for tier, items in data.get(NOT_DANGER, {}).items():
            if tier not in (NEAR, ANYWHERE):
                raise ValueError(f"danger.toml: [not_danger] has an unknown list {tier!r}")
            phrases[(NOT_DANGER, tier)] = phrase_list(f"danger.toml: [not_danger] {tier}", items)
        words = phrase_list("danger.toml: [called_number] words", data.get(CALLED_NUMBER, {}).get("words"))
        return cls(
            kinds=tuple(kinds),
            lines=lines,
            phrases=phrases,
            ordinary=_ordinary(data, phrases),
            numbers=numbers,
            number_words=frozenset(token for word in words for token in tokens(word)),
        )

    def entries(self) -> Iterator[tuple[tuple[str, str], str]]:
        """(label, phrase) for the phrase book: ``(kind, list)``, ``("not_danger", list)``, ``("concept", name)``."""
        for label, items in self.phrases.items():
            for phrase in items:
                yield label, phrase

    def detect(self, found: Sequence[Found]) -> tuple[DangerKind, ...]:
        """The kinds of danger among the phrases found in a message, in file order."""
        by_label: dict[object, list[Found]] = {}
        for item in found:
            by_label.setdefault(item.label, []).append(item)
        joking = bool(by_label.get((NOT_DANGER, ANYWHERE)))
        near = by_label.get((NOT_DANGER, NEAR), [])
        guards = {kind: [*near, *by_label.get((kind.value, NOT_WHEN), ())] for kind in self.kinds}
        named = {kind for kind in self.kinds if by_label.get((kind.value, URGENT))}
        if not joking:
            named.update(
                kind
                for kind in self.kinds
                if any(unguarded(sign, guards[kind]) for sign in by_label.get((kind.value, SIGNS), ()))
            )
            concepts = {label[1]: items for label, items in by_label.items() if label[0] == CONCEPT}
            if concepts:
                named |= combined_kinds(concepts, lambda kind, item: unguarded(item, guards[kind]))
        return tuple(kind for kind in self.kinds if kind in named)

    def called_numbers(self, text: str, words: Sequence[str], filler: frozenset[str]) -> tuple[DangerKind, ...]:
        """The kinds whose help line's number the message names in digits, when every word beside it is a
        ``[called_number]`` word or filler ("112", "bel 112!", "moet ik 113 bellen?", not "Akerstraat 112")."""
        if not self.numbers or any(word not in self.number_words and word not in filler for word in words):
            return ()
        typed = {_digits(group) for match in _DIGITS.findall(text) for group in (match, *match.split())}
        named = {self.numbers[number] for number in typed if number in self.numbers}
        return tuple(kind for kind in self.kinds if kind in named)

    def help_lines(self, kinds: Sequence[DangerKind]) -> tuple[HelpLine, ...]:
        """The help lines of these kinds, most important first, each once."""
        out: list[HelpLine] = []
        for kind in kinds:
            out.extend(line for line in self.lines[kind] if line not in out)
        return tuple(out)


def unguarded(item: Found, guards: Sequence[Found]) -> bool:
    """Whether no guard lies within GUARD_GAP words of the phrase found."""
    return all(item.gap_to(guard) > GUARD_GAP for guard in guards)


def _ordinary(data: dict[str, Any], phrases: dict[tuple[str, str], tuple[str, ...]]) -> frozenset[str]:
    """The [ordinary] words: single words, none of them a word of the phrases themselves."""
    items = phrase_list("danger.toml: [ordinary] words", data.get(ORDINARY, {}).get("words"))
    words = [tokens(item) for item in items]
    if any(len(word) != 1 for word in words):
        raise ValueError("danger.toml: [ordinary] words must be single words")
    ordinary = frozenset(word[0] for word in words)
    listed = {word for items in phrases.values() for phrase in items for word in tokens(phrase.replace("*", ""))}
    if ordinary & listed:
        raise ValueError(f"danger.toml: [ordinary] lists words of danger phrases: {sorted(ordinary & listed)}")
    return ordinary


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def _help_line(entry: dict[str, Any]) -> HelpLine:
    slug = entry.get("slug", "")
    phones = tuple(entry.get("phones") or ())
    use = dict(entry.get("use") or {})
    if not slug or not entry.get("name") or not phones or any(not p.strip() for p in phones):
        raise ValueError(f"danger.toml: line {slug!r} needs a slug, a name and at least one phone number")
    if any(not use.get(language) for language in LANGUAGES):
        raise ValueError(f"danger.toml: line {slug!r} needs 'use' in {', '.join(LANGUAGES)}")
    return HelpLine(slug=slug, name=entry["name"], phones=phones, free=bool(entry.get("free")), use=use)
