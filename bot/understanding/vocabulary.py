"""The word lists of ``data/intents.toml``: what greetings, thanks, yes, no, stop ... look like."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bot.matching.normalise import normalise, tokens

from .kinds import Intent
from .phrases import phrase_list, with_groups

#: The lists an intent section may have (see the header of data/intents.toml).
ALONE, ANYWHERE, DESPAIR, ASKED, NOT_WHEN = "alone", "anywhere", "despair", "asked", "not_when"
TIERS = (ALONE, ANYWHERE, DESPAIR, ASKED, NOT_WHEN)
#: Intents read from the file; danger, help_request and answer are decided otherwise.
LISTED = (
    Intent.GREETING,
    Intent.THANKS,
    Intent.YES,
    Intent.NO,
    Intent.DONT_KNOW,
    Intent.CALL_BACK,
    Intent.STOP,
    Intent.ABOUT,
    Intent.COST,
    Intent.VOLUNTEER,
    Intent.STEUNPUNT,
    Intent.OUT_OF_SCOPE,
)
DAY, NUMBER, PLACE, DIGITS = "day", "number", "place", "digits"
ANSWERS = (DAY, NUMBER, PLACE, DIGITS)
# Typed answers where a button was expected are short: longer texts are never read as yes, no or
# "I don't know" by their first words (or as a typo of "weet ik niet").
SHORT_ANSWER_CHARS = 40
# fuzz.ratio at or above which the first words are a yes or a no phrase, and the text a dont_know phrase.
YES_NO_SIMILARITY = 85
DONT_KNOW_SIMILARITY = 80


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Per intent and list (alone, anywhere, despair, not_when) its phrases; filler words; answer words;
    spellings (a dialect word or a typo of a short word -> the words it stands for)."""

    phrases: dict[tuple[Intent, str], tuple[str, ...]]
    filler: frozenset[str]
    answers: dict[str, tuple[str, ...]]
    spelling: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # A day named in a request ("kan iemand vrijdag ..."): the word as typed -> the word the date parser reads.
    days: dict[str, str] = field(default_factory=dict)
    # "Maakt niet uit" when asked which day: any day is fine.
    any_day: tuple[str, ...] = ()
    # Normalised once: (phrase, number of words, yes?) and the dont_know phrases, for the short answers.
    yes_no: tuple[tuple[str, int, bool], ...] = ()
    dont_know: tuple[str, ...] = ()

    @classmethod
    def from_file(cls, path: Path) -> Vocabulary:
        """Read and validate ``intents.toml``."""
        with Path(path).open("rb") as handle:
            return cls.from_dict(tomllib.load(handle))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vocabulary:
        """Validate the parsed file: known sections and lists, none empty, no phrase in two intents."""
        unknown = set(data) - {*LISTED, "filler", "answer", "spelling", "groups", "days", "any_day"}
        if unknown:
            raise ValueError(f"intents.toml: unknown sections {sorted(unknown)}")
        groups = {
            name: phrase_list(f"intents.toml: [groups] {name}", words) for name, words in data.get("groups", {}).items()
        }
        used: set[str] = set()
        phrases: dict[tuple[Intent, str], tuple[str, ...]] = {}
        owner: dict[str, Intent] = {}
        for intent in LISTED:
            section = data.get(intent.value)
            if not section:
                raise ValueError(f"intents.toml: [{intent}] is missing or empty")
            for tier, items in section.items():
                if tier not in TIERS:
                    raise ValueError(f"intents.toml: [{intent}] has an unknown list {tier!r}")
                items = phrase_list(f"intents.toml: [{intent}] {tier}", items)
                phrases[(intent, tier)] = tuple(with_groups(phrase, groups, "intents.toml", used) for phrase in items)
                if tier == NOT_WHEN:
                    continue
                for phrase in items:
                    key = " ".join(tokens(phrase))
                    if owner.setdefault(key, intent) != intent:
                        raise ValueError(f"intents.toml: {phrase!r} is in both [{owner[key]}] and [{intent}]")
        if set(groups) - used:
            raise ValueError(f"intents.toml: [groups] {sorted(set(groups) - used)} are in no phrase")
        filler = phrase_list("intents.toml: [filler] words", data.get("filler", {}).get("words"))
        answer = data.get("answer", {})
        answers = {kind: phrase_list(f"intents.toml: [answer] {kind}", answer.get(kind)) for kind in ANSWERS}
        yes_no = tuple(
            (normalise(phrase), len(normalise(phrase).split()), intent is Intent.YES)
            for intent in (Intent.YES, Intent.NO)
            for phrase in phrases.get((intent, ALONE), ())
            if normalise(phrase)  # an emoji has no letters to compare
        )
        return cls(
            phrases=phrases,
            filler=frozenset(t for w in filler for t in tokens(w)),
            answers=answers,
            yes_no=yes_no,
            dont_know=tuple(normalise(p) for p in phrases.get((Intent.DONT_KNOW, ALONE), ())),
            spelling=_spelling(data.get("spelling", {})),
            days=_days(data.get("days", {})),
            any_day=tuple(
                normalise(p) for p in phrase_list("intents.toml: [any_day] words", data.get("any_day", {}).get("words"))
            ),
        )

    def day_in(self, text: str) -> str | None:
        """The first day word of a request ("morgen", "vrijdag", "mörge"), as the date parser reads it."""
        for word in re.findall(r"[^\W\d_]+", text.lower()):
            if word in self.days:
                return self.days[word]
        return None

    def any_day_will_do(self, text: str) -> bool:
        """ "Maakt niet uit", "egal": any day is fine."""
        folded = normalise(text)
        return any(phrase in folded for phrase in self.any_day)

    def entries(self) -> Iterator[tuple[tuple[str, ...], str]]:
        """(label, phrase) for the phrase book: labels ``(intent, list)`` and ``("answer", day|number)``."""
        for (intent, tier), items in self.phrases.items():
            for phrase in items:
                yield (intent, tier), phrase
        for kind, items in self.answers.items():
            for phrase in items:
                yield ("answer", kind), phrase

    def yes_or_no(self, text: str, *, any_length: bool = False) -> bool | None:
        """True for yes, False for no, judged on the first words ("Ja, graag", "Nee, dank u"); None if neither.

        Each ``alone`` phrase of [yes] and [no] is compared with as many leading words as it has; on a tie
        the longer phrase wins, so "klopt niet" is a no although it starts with "klopt". Only short texts
        count, unless ``any_length`` (a yes/no question is open: "nee, ik schrik me dood van al die berichten").
        """
        words = normalise(text).split()
        if not words or (not any_length and len(" ".join(words)) > SHORT_ANSWER_CHARS):
            return None
        best: tuple[float, int, bool] | None = None
        for phrase, size, meaning in self.yes_no:
            score = fuzz.ratio(" ".join(words[:size]), phrase)
            if score >= YES_NO_SIMILARITY and (best is None or (score, size) > best[:2]):
                best = (score, size, meaning)
        return None if best is None else best[2]

    def sounds_like_dont_know(self, text: str) -> bool:
        """The whole (short) text is one of the ``alone`` phrases of [dont_know], or a typo of one."""
        cleaned = normalise(text)
        if not cleaned or len(cleaned) > SHORT_ANSWER_CHARS:
            return False
        return (
            process.extractOne(cleaned, self.dont_know, scorer=fuzz.ratio, score_cutoff=DONT_KNOW_SIMILARITY)
            is not None
        )

    def listed(self, intent: Intent, tier: str) -> tuple[str, ...]:
        """The phrases of one list, () when the section does not have it."""
        return self.phrases.get((intent, tier), ())


def _spelling(table: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """``"pien" = "pijn"`` -> {"pien": ("pijn",)}: one word each side (as a message word is looked up)."""
    out: dict[str, tuple[str, ...]] = {}
    for written, meant in table.items():
        words = tokens(written)
        standard = tokens(meant) if isinstance(meant, str) else []
        if len(words) != 1 or len(standard) != 1:
            raise ValueError(f"intents.toml: [spelling] {written!r} = {meant!r} must be one word each")
        out[words[0]] = (standard[0],)
    return out


def _days(table: dict[str, Any]) -> dict[str, str]:
    """[days]: every key a single lower-case word, every value a non-empty word."""
    if not table:
        raise ValueError("intents.toml: [days] is missing or empty")
    for word, reads in table.items():
        if not isinstance(reads, str) or not reads or word != word.lower() or " " in word:
            raise ValueError(f"intents.toml: [days] {word!r} = {reads!r}: one lower-case word = a word")
    return dict(table)
