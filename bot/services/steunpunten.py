"""Steunpunten: places in the neighbourhood where residents can walk in ("waar kan ik terecht?")."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session

from bot.services.places import family
from db.models import Neighbourhood


@dataclass(frozen=True)
class Steunpunt:
    slug: str
    name: str
    municipality: str
    neighbourhoods: tuple[str, ...]
    loket: bool
    address: str
    opening_hours: str
    phone: str
    description: dict[str, str]


@lru_cache(maxsize=4)
def load_steunpunten(path: Path) -> tuple[Steunpunt, ...]:
    """Every steunpunt of the data file."""
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("steunpunt", [])
    return tuple(
        Steunpunt(
            slug=entry["slug"],
            name=entry["name"],
            municipality=entry["municipality"],
            neighbourhoods=tuple(entry.get("neighbourhoods", [])),
            loket=bool(entry.get("loket", False)),
            address=entry.get("address", "").strip(),
            opening_hours=entry.get("opening_hours", "").strip(),
            phone=entry.get("phone", "").strip(),
            description=dict(entry.get("description", {})),
        )
        for entry in entries
    )


def steunpunten_for(session: Session, neighbourhood_slug: str, data_dir: Path) -> list[Steunpunt]:
    """Those of the resident's neighbourhood (or its kern/wijk) first, then the rest of the municipality."""
    place = session.get(Neighbourhood, neighbourhood_slug)
    if place is None:
        return []
    nearby = family(session, place.slug)
    found = [s for s in load_steunpunten(data_dir / "steunpunten.toml") if s.municipality == place.municipality_slug]
    return sorted(found, key=lambda s: (not (set(s.neighbourhoods) & nearby), s.name))
