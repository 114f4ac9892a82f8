"""How long something took, in the volunteer's own words: "20 minuten", "een uur", "anderhalf uur" -> minutes.

The words are data (``data/durations.toml``): numbers ("twee", "half", "anderhalf") and units with their
minutes ("uur" = 60, "kwartier" = 15). Figures work too ("1,5 uur", "90 min"). Pure: no database, no texts.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.matching.normalise import fold, tokens

BARE_HOURS_BELOW = 10
"""A number without a unit: below this it counts hours ("2"), from it on minutes ("45")."""
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?")
_WORD_OR_FIGURE = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+")


@dataclass(frozen=True)
class Durations:
    """Number words and unit words (with their minutes) from ``durations.toml``."""

    numbers: dict[str, float]
    units: dict[str, float]

    @classmethod
    def from_file(cls, path: Path) -> Durations:
        """Read and validate ``durations.toml``."""
        with Path(path).open("rb") as handle:
            return cls.from_dict(tomllib.load(handle))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Durations:
        """Two tables of single folded words with positive numbers; no word in both."""
        if set(data) != {"numbers", "units"}:
            raise ValueError(f"durations.toml: expected [numbers] and [units], found {sorted(data)}")
        tables = {name: _table(name, data[name]) for name in ("numbers", "units")}
        both = set(tables["numbers"]) & set(tables["units"])
        if both:
            raise ValueError(f"durations.toml: {sorted(both)} are both a number and a unit")
        return cls(numbers=tables["numbers"], units=tables["units"])

    def minutes(self, text: str) -> int | None:
        """The minutes `text` names ("twee en een half uur" -> 150), or None when it names no time."""
        words = [word if _FIGURE.fullmatch(word) else fold(word) for word in _WORD_OR_FIGURE.findall(text)]
        total, amount, unit_seen = 0.0, None, False
        for index, word in enumerate(words):
            value = self._number(word)
            if value is not None:
                following = self._number(words[index + 1]) if index + 1 < len(words) else None
                if value == 1 and following is not None and following < 1:
                    continue  # the "een" of "een half uur"
                if amount is not None and value < 1:
                    amount += value  # "twee en (een) half"
                else:
                    total += self._bare(amount, unit_seen)
                    amount = value
            elif word in self.units:
                total += (1 if amount is None else amount) * self.units[word]
                amount, unit_seen = None, True
        total += self._bare(amount, unit_seen)
        minutes = round(total)
        return minutes if minutes > 0 else None

    def _number(self, word: str) -> float | None:
        if _FIGURE.fullmatch(word):
            return float(word.replace(",", "."))
        return self.numbers.get(word)

    @staticmethod
    def _bare(amount: float | None, unit_seen: bool) -> float:
        """A number left without a unit: minutes after a unit ("1 uur 20"), else hours when small."""
        if amount is None:
            return 0.0
        return amount * 60 if not unit_seen and amount < BARE_HOURS_BELOW else amount


def _table(name: str, table: Any) -> dict[str, float]:
    if not isinstance(table, dict) or not table:
        raise ValueError(f"durations.toml: [{name}] is missing or empty")
    checked: dict[str, float] = {}
    for word, value in table.items():
        if tokens(word) != [word]:
            raise ValueError(f"durations.toml: [{name}] {word!r} is not one word in lower case without accents")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValueError(f"durations.toml: [{name}] {word} must be a positive number")
        checked[word] = float(value)
    return checked
