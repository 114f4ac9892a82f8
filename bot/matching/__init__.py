"""Understanding plain (Dutch, Limburgish, German-ish, English) text: help categories and places.

Pure: no Telegram, no database. Data files (``categories.toml``, ``language.toml``,
``neighbourhoods.toml``) are read from ``data/`` in the repository, or from the directory in the
environment variable ``SAMENBOT_DATA_DIR``.

    >>> default_category_matcher().match("kan iemand mijn hond uitlaten")[0][0]
    'huisdieren'
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .categories import CONFIDENT, OUT_OF_SCOPE, POSSIBLE, Category, CategoryMatcher, MatchResult
from .language import Language
from .normalise import normalise, stem, tokens
from .places import Place, PlaceMatcher

__all__ = [
    "CONFIDENT",
    "OUT_OF_SCOPE",
    "POSSIBLE",
    "Category",
    "CategoryMatcher",
    "Language",
    "MatchResult",
    "Place",
    "PlaceMatcher",
    "data_dir",
    "default_category_matcher",
    "default_language",
    "default_place_matcher",
    "normalise",
    "stem",
    "tokens",
]


def data_dir() -> Path:
    """``$SAMENBOT_DATA_DIR`` if set, else ``<repo>/data``."""
    override = os.environ.get("SAMENBOT_DATA_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "data"


@lru_cache(maxsize=1)
def default_language() -> Language:
    """The word lists of ``data/language.toml`` and the place names of ``data/neighbourhoods.toml``, loaded once."""
    return Language.from_directory(data_dir())


@lru_cache(maxsize=1)
def default_category_matcher() -> CategoryMatcher:
    """The matcher for ``data/categories.toml``, loaded once."""
    return CategoryMatcher.from_file(data_dir() / "categories.toml", default_language())


@lru_cache(maxsize=1)
def default_place_matcher() -> PlaceMatcher:
    """The matcher for ``data/neighbourhoods.toml``, loaded once."""
    return PlaceMatcher.from_file(data_dir() / "neighbourhoods.toml", default_language())
