"""The word lists the matchers read with: ``data/language.toml`` and the place names of ``data/neighbourhoods.toml``.

Words are data: the coordinator edits the lists, this module only reads them (folded and tokenised like a
message, so "m'n" and "mn" are one word) and checks their shape. Weights and spelling rules stay in code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .normalise import tokens

__all__ = ["LANGUAGE_FILE", "NEIGHBOURHOODS_FILE", "Language", "place_names", "spellings"]

LANGUAGE_FILE = "language.toml"
NEIGHBOURHOODS_FILE = "neighbourhoods.toml"
SECTIONS = (
    "no_evidence",
    "fillers",
    "separable",
    "request",
    "problem",
    "needs",
    "statements",
    "offers",
    "dialect",
    "abbreviations",
)


def _words(items: Iterable[str]) -> frozenset[str]:
    return frozenset(t for item in items for t in tokens(item))


def _string_list(section: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = section.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError(f"{where}.{key} must be a list of words")
    return value


def spellings(entry: Mapping[str, Any]) -> list[str]:
    """The ways a place of ``neighbourhoods.toml`` is written: its name, its slug with spaces, its aliases."""
    return [entry.get("name", ""), entry.get("slug", "").replace("-", " "), *entry.get("aliases", ())]


def place_names(neighbourhoods: Mapping[str, Any]) -> frozenset[str]:
    """Every word of every municipality, area and buurt spelling in ``neighbourhoods.toml``."""
    names: list[str] = []
    for municipality in neighbourhoods.get("municipality", ()):
        names.extend(spellings(municipality))
        for area in municipality.get("area", ()):
            names.extend(spellings(area))
            for buurt in area.get("buurt", ()):
                names.extend(spellings(buurt))
    return _words(names)


@dataclass(frozen=True)
class Language:
    """Words without evidence, separable-verb particles, help cues, words of a second need, dialect, abbreviations."""

    stopwords: frozenset[str] = frozenset()  # from [no_evidence]: function words, politeness, people, time ...
    places: frozenset[str] = frozenset()  # place names, from neighbourhoods.toml
    fillers: frozenset[str] = frozenset()  # [fillers]: "eh", "ehm" of speech, dropped from a message
    particles: frozenset[str] = frozenset()
    particle_verbs: frozenset[str] = frozenset()  # common verbs that still join a particle ("laat ... uit")
    rewrites: Mapping[str, str] = field(default_factory=dict)  # dialect and abbreviations -> plain words
    request: Mapping[str, Any] = field(default_factory=dict)  # the [request] section: asking for help
    problem: Mapping[str, Any] = field(default_factory=dict)  # the [problem] section: "lukt niet meer"
    question_openers: frozenset[str] = frozenset()
    opens: frozenset[str] = frozenset()  # words that open a further need: "daarnaast", "verder"
    also: frozenset[str] = frozenset()  # words that mark a further need anywhere: "ook", "misschien"
    begins: frozenset[str] = frozenset()  # words that mark a further need at the start of a sentence: "en"
    reasons: frozenset[str] = frozenset()  # words that open an explanation, never the need: "omdat", "want"
    questions: frozenset[str] = frozenset()  # words that open a question after a comma: "kan", "wie"
    auxiliaries: frozenset[str] = frozenset()  # [statements]: "heb", "is" (with a participle: news)
    times: frozenset[str] = frozenset()  # "vandaag", "gisteren": a time gone by (with a participle: news)
    modals: frozenset[str] = frozenset()  # "moet", "kan", "wil": something still needs doing
    negations: frozenset[str] = frozenset()  # "niet", "geen": something is wrong
    troubles: frozenset[str] = frozenset()  # participles of trouble: "gevallen", "vastgelopen"
    first_person: frozenset[str] = frozenset()  # [offers]: "ik", "wij"
    for_others: tuple[tuple[str, ...], ...] = ()  # "voor iemand", "voor ouderen": a task for others
    askers: frozenset[str] = frozenset()  # "wie", "hulp", "iemand": the writer asks someone

    @cached_property
    def further_pairs(self) -> frozenset[tuple[str, str]]:
        """Two words that open a further need inside a sentence: "en ook", "and also", "und auch"."""
        return frozenset((first, second) for first in self.begins for second in self.also)

    @property
    def no_evidence(self) -> frozenset[str]:
        """Words that say nothing about which help is asked: the stopwords and the place names."""
        return self.stopwords | self.places

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], neighbourhoods: Mapping[str, Any] | None = None) -> Language:
        """Build from the parsed ``language.toml`` (and ``neighbourhoods.toml``); raises ValueError on a bad shape."""
        unknown = set(data) - set(SECTIONS)
        if unknown:
            raise ValueError(f"language.toml: unknown sections {sorted(unknown)}")
        no_evidence = data.get("no_evidence", {})
        stopwords = _words(w for key in no_evidence for w in _string_list(no_evidence, key, "no_evidence"))
        separable = data.get("separable", {})
        rewrites: dict[str, str] = {}
        for section in ("dialect", "abbreviations"):
            for source, target in data.get(section, {}).items():
                if not isinstance(target, str) or not target.strip() or len(tokens(source)) != 1:
                    raise ValueError(f"{section}: {source!r} must be one word with a plain spelling as text")
                rewrites[source] = target
        request = dict(data.get("request", {}))
        openers = _words(_string_list(request, "question_openers", "request"))
        needs = data.get("needs", {})
        lists = {key: _string_list(needs, key, "needs") for key in ("opens", "also", "begins", "reasons", "questions")}
        if any(len(tokens(word)) != 1 for words in lists.values() for word in words):
            raise ValueError("[needs] lists single words")
        statements = data.get("statements", {})
        statement_words = {
            key: _words(_string_list(statements, key, "statements"))
            for key in ("auxiliaries", "times", "modals", "negations", "troubles")
        }
        offers = data.get("offers", {})
        for_others = tuple(tuple(tokens(words)) for words in _string_list(offers, "for_others", "offers"))
        return cls(
            stopwords=stopwords,
            fillers=_words(_string_list(data.get("fillers", {}), "words", "fillers")),
            places=place_names(neighbourhoods or {}),
            particles=_words(_string_list(separable, "particles", "separable")),
            particle_verbs=_words(_string_list(separable, "verbs", "separable")),
            rewrites=rewrites,
            request=request,
            problem=dict(data.get("problem", {})),
            question_openers=openers,
            **{key: _words(words) for key, words in lists.items()},
            **statement_words,
            first_person=_words(_string_list(offers, "first_person", "offers")),
            for_others=tuple(words for words in for_others if words),
            askers=_words(_string_list(offers, "askers", "offers")),
        )

    @cached_property
    def beneficiary_words(self) -> frozenset[str]:
        """The first words of ``for_others`` ("voor", "als")."""
        return frozenset(words[0] for words in self.for_others)

    @classmethod
    def from_directory(cls, directory: Path) -> Language:
        """``language.toml`` and ``neighbourhoods.toml`` in ``directory``; a missing file is an empty one."""
        parsed = []
        for name in (LANGUAGE_FILE, NEIGHBOURHOODS_FILE):
            path = Path(directory) / name
            parsed.append(tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {})
        return cls.from_dict(*parsed)
