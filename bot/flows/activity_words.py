"""What a coordinator may type instead of pressing a button in `/activiteit` (data/activity_answers.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from bot.matching import data_dir
from bot.matching.normalise import normalise

FILE = "activity_answers.toml"


class Typed(StrEnum):
    """A typed answer that stands for a button."""

    NO_LIMIT = "no_limit"
    FREE = "free"
    WHOLE_MUNICIPALITY = "whole_municipality"
    DONE = "done"


@dataclass(frozen=True)
class ActivityWords:
    """The word lists, normalised, per kind of typed answer."""

    phrases: dict[Typed, tuple[str, ...]]

    @classmethod
    def from_file(cls, path: Path) -> ActivityWords:
        """Read and validate the file: every list there and not empty, nothing unknown, no phrase in two lists."""
        with Path(path).open("rb") as handle:
            data = tomllib.load(handle)
        unknown = set(data) - set(Typed)
        if unknown:
            raise ValueError(f"{FILE}: unknown sections {sorted(unknown)}")
        phrases: dict[Typed, tuple[str, ...]] = {}
        owner: dict[str, Typed] = {}
        for kind in Typed:
            words = data.get(kind.value, {}).get("words")
            if not words or not all(isinstance(word, str) and normalise(word) for word in words):
                raise ValueError(f"{FILE}: [{kind}] needs a list of words")
            phrases[kind] = tuple(normalise(word) for word in words)
            for phrase in phrases[kind]:
                if owner.setdefault(phrase, kind) != kind:
                    raise ValueError(f"{FILE}: {phrase!r} is in both [{owner[phrase]}] and [{kind}]")
        return cls(phrases)

    def says(self, kind: Typed, text: str) -> bool:
        """Whether the text holds one of the kind's phrases as whole words."""
        padded = f" {normalise(text)} "
        return any(f" {phrase} " in padded for phrase in self.phrases[kind])


@lru_cache(maxsize=1)
def activity_words() -> ActivityWords:
    """The word lists of data/activity_answers.toml, loaded once."""
    return ActivityWords.from_file(data_dir() / FILE)
