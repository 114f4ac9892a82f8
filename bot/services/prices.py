"""Price levels: which routes a municipality has for a kind of help, in PuntExtra's order, and what they cost."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session

from bot.services.catalogue import place_of_slug

ROUTES_FILE = "routes.toml"
LEVELS = ("vrijwilliger", "woonservice", "particulier", "bedrijf")
"""PuntExtra's order: a volunteer, a woonservice project, a private provider, a company."""


@dataclass(frozen=True)
class Route:
    """One route of one municipality for some kinds of help."""

    level: str
    municipalities: frozenset[str]
    categories: frozenset[str]
    cheques_per_hour: int = 0
    price_per_hour: Decimal | None = None


@dataclass(frozen=True)
class Price:
    """What help of one kind costs in one place: the first route in order (None: no route known)."""

    level: str | None
    cheques_per_hour: int = 0
    cheque_value: Decimal = Decimal(0)
    price_per_hour: Decimal | None = None

    @property
    def free(self) -> bool:
        return self.level == "vrijwilliger"


@dataclass(frozen=True)
class RouteTable:
    """The routes of the data file, in PuntExtra's order, and the value of one dienstencheque."""

    order: tuple[str, ...]
    cheque_value: Decimal
    routes: tuple[Route, ...]

    def price(self, municipality_slug: str, category_slug: str) -> Price:
        """The first route in order for this municipality and kind of help."""
        for level in self.order:
            for route in self.routes:
                if (
                    route.level == level
                    and municipality_slug in route.municipalities
                    and category_slug in route.categories
                ):
                    return Price(level, route.cheques_per_hour, self.cheque_value, route.price_per_hour)
        return Price(None)


@lru_cache(maxsize=4)
def load_routes(path: Path) -> RouteTable:
    """The routes file, read once per path (none: no route is known, so no price is said)."""
    if not path.exists():
        return RouteTable(LEVELS, Decimal(0), ())
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    routes = tuple(
        Route(
            level=entry["level"],
            municipalities=frozenset(entry.get("municipalities", [])),
            categories=frozenset(entry.get("categories", [])),
            cheques_per_hour=int(entry.get("cheques_per_hour", 0)),
            price_per_hour=Decimal(entry["price_per_hour"]) if entry.get("price_per_hour") else None,
        )
        for entry in data.get("route", [])
    )
    return RouteTable(tuple(data.get("order", LEVELS)), Decimal(data["dienstencheque"]["euro"]), routes)


def routes_of(data_dir: Path) -> RouteTable:
    return load_routes(Path(data_dir) / ROUTES_FILE)


def municipality_of(session: Session, place_slug: str | None) -> str | None:
    place = place_of_slug(session, place_slug) if place_slug else None
    return place.municipality_slug if place is not None else None


def price_for(session: Session, *, place_slug: str | None, category_slug: str, data_dir: Path) -> Price:
    """What help of `category_slug` costs where the resident lives (no place: no route known)."""
    municipality = municipality_of(session, place_slug)
    if municipality is None:
        return Price(None)
    return routes_of(data_dir).price(municipality, category_slug)


def prices_in(session: Session, *, place_slug: str, category_slugs: list[str], data_dir: Path) -> dict[str, Price]:
    """Every kind of help's price in the resident's municipality, in the order given."""
    municipality = municipality_of(session, place_slug)
    table = routes_of(data_dir)
    return {slug: table.price(municipality, slug) if municipality else Price(None) for slug in category_slugs}
