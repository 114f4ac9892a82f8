"""The sociale kaart: organisations per municipality and kind of help, and the next level of PuntExtra's order."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.services.prices import LEVELS

PROVIDERS_FILE = "providers.toml"
ANY_CATEGORY = "alle"
DESK = "loket"  # a wijkteam, Wmo-loket or other place for questions: after every level of the cascade
ESCALATION_ORDER = (*LEVELS, DESK)


@dataclass(frozen=True)
class Organisation:
    """One organisation of the sociale kaart; empty fields are not known."""

    slug: str
    name: str
    level: str
    municipalities: tuple[str, ...]
    categories: tuple[str, ...]
    phone: str
    opening_hours: str
    web: str
    price: str
    description: dict[str, str]

    def helps_with(self, category_slug: str) -> bool:
        return ANY_CATEGORY in self.categories or category_slug in self.categories


@dataclass(frozen=True)
class Proposal:
    """The next level of the cascade for an escalated request, with the organisations that fit it."""

    level: str
    organisations: tuple[Organisation, ...]


@lru_cache(maxsize=4)
def load_organisations(path: Path) -> tuple[Organisation, ...]:
    """Every organisation of the data file (none without one)."""
    if not path.exists():
        return ()
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("organisation", [])
    return tuple(
        Organisation(
            slug=entry["slug"],
            name=entry["name"],
            level=entry["level"],
            municipalities=tuple(entry.get("municipalities", [])),
            categories=tuple(entry.get("categories", [])),
            phone=entry.get("phone", "").strip(),
            opening_hours=entry.get("opening_hours", "").strip(),
            web=entry.get("web", "").strip(),
            price=entry.get("price", "").strip(),
            description=dict(entry.get("description", {})),
        )
        for entry in entries
    )


def organisations_of(data_dir: Path) -> tuple[Organisation, ...]:
    return load_organisations(Path(data_dir) / PROVIDERS_FILE)


def organisation_by_slug(data_dir: Path, slug: str) -> Organisation | None:
    return next((o for o in organisations_of(data_dir) if o.slug == slug), None)


def next_level(municipality_slug: str, category_slug: str, data_dir: Path) -> Proposal | None:
    """After no volunteer came: the first level, in PuntExtra's order, with an organisation for this request."""
    fitting = [
        o for o in organisations_of(data_dir) if municipality_slug in o.municipalities and o.helps_with(category_slug)
    ]
    for level in ESCALATION_ORDER:
        found = tuple(o for o in fitting if o.level == level)
        if found:
            return Proposal(level, found)
    return None


def organisations_near(municipality_slug: str, data_dir: Path) -> list[Organisation]:
    """The organisations of a municipality for "waar kan ik terecht?": places for any question first."""
    found = [o for o in organisations_of(data_dir) if municipality_slug in o.municipalities]
    return sorted(found, key=lambda o: (o.level != DESK, ANY_CATEGORY not in o.categories, o.name))
