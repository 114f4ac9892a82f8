"""Load the coordinators' data files (categories, neighbourhoods) into the database."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sqlmodel import Session

from db.models import Category, Municipality, Neighbourhood


def read_toml(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def load_categories(session: Session, path: Path) -> int:
    """Upsert every category of the data file; returns how many there are."""
    categories = read_toml(path)["category"]
    for position, entry in enumerate(categories):
        session.merge(
            Category(
                slug=entry["slug"],
                emoji=entry.get("emoji", ""),
                names=dict(entry.get("name", {})),
                for_volunteers=entry.get("for_volunteers", True),
                position=position,
            )
        )
    return len(categories)


def load_neighbourhoods(session: Session, path: Path) -> int:
    """Upsert every municipality, kern/wijk and buurt of the data file; returns how many places."""
    count = 0
    for municipality in read_toml(path)["municipality"]:
        session.merge(Municipality(slug=municipality["slug"], name=municipality["name"]))
        for area in municipality.get("area", []):
            session.merge(_place(area, municipality["slug"], parent=None))
            count += 1
            for buurt in area.get("buurt", []):
                session.merge(_place(buurt | {"kind": "buurt"}, municipality["slug"], parent=area["slug"]))
                count += 1
    session.flush()
    return count


def _place(entry: dict, municipality_slug: str, parent: str | None) -> Neighbourhood:
    latitude, longitude = entry.get("location", (None, None))
    return Neighbourhood(
        slug=entry["slug"],
        name=entry["name"],
        kind=entry.get("kind", "kern"),
        municipality_slug=municipality_slug,
        parent_slug=parent,
        latitude=latitude,
        longitude=longitude,
    )


def load_data_files(session: Session, data_dir: Path) -> tuple[int, int]:
    """Load both data files in one transaction; returns (categories, places)."""
    places = load_neighbourhoods(session, data_dir / "neighbourhoods.toml")
    categories = load_categories(session, data_dir / "categories.toml")
    session.commit()
    return categories, places
