"""The data files, loaded once: ``intents.toml`` and ``danger.toml`` from the data directory."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot import matching
from bot.matching import data_dir, default_category_matcher, default_place_matcher

from .cache import load_or_build
from .danger import DangerRules
from .durations import Durations
from .kinds import Expecting
from .reader import Reader, Understanding
from .vocabulary import Vocabulary


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    """The word lists of ``data/intents.toml``, loaded once."""
    return Vocabulary.from_file(data_dir() / "intents.toml")


@lru_cache(maxsize=1)
def default_danger_rules() -> DangerRules:
    """The danger words and help lines of ``data/danger.toml``, loaded once."""
    return DangerRules.from_file(data_dir() / "danger.toml")


@lru_cache(maxsize=1)
def default_durations() -> Durations:
    """The number and unit words of ``data/durations.toml``, loaded once."""
    return Durations.from_file(data_dir() / "durations.toml")


@lru_cache(maxsize=1)
def default_reader() -> Reader:
    """A reader over the default data files and matchers (its `categories` and `places`), built once, or loaded
    from the cache of the last start when nothing it is built from changed."""
    return load_or_build("reader", _reader_sources(), _build_reader)


def _build_reader() -> Reader:
    return Reader(default_vocabulary(), default_danger_rules(), default_category_matcher(), default_place_matcher())


def _reader_sources() -> list[Path]:
    """The data files and the code the reader's tables are built from."""
    code = [Path(matching.__file__).parent, Path(__file__).parent]
    return [*data_dir().glob("*.toml"), *(path for package in code for path in package.glob("*.py"))]


def understand(text: str, expecting: Expecting = Expecting.NOTHING) -> Understanding:
    """What a private message means, given what the open question expects."""
    return default_reader().understand(text, expecting)
