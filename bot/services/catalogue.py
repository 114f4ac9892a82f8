"""The fixed data every update needs: the categories and the places, read from the database once per process.

Both come from the data files (`samenbot db upgrade` loads them) and change only with a new version of those files,
which comes with a restart; so they are read once per engine and then served from memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.models import Category, Neighbourhood


@dataclass(frozen=True)
class CategoryView:
    """A category as texts need it."""

    slug: str
    emoji: str
    names: dict[str, str] = field(default_factory=dict)
    for_volunteers: bool = True


def category_view(category: Category) -> CategoryView:
    """A category row as plain values."""
    return CategoryView(
        slug=category.slug,
        emoji=category.emoji,
        names=dict(category.names or {}),
        for_volunteers=category.for_volunteers,
    )


@dataclass(frozen=True)
class PlaceRow:
    """A kern, wijk or buurt as the services need it."""

    slug: str
    name: str
    municipality_slug: str
    parent_slug: str | None


@dataclass(frozen=True)
class Catalogue:
    """Categories in the data file's order, and every place by slug."""

    categories: tuple[CategoryView, ...]
    by_slug: dict[str, CategoryView]
    places: dict[str, PlaceRow]


_catalogues: WeakKeyDictionary[Engine, Catalogue] = WeakKeyDictionary()


def catalogue(session: Session) -> Catalogue:
    """The catalogue of the session's database (read on first use)."""
    engine = session.get_bind()
    found = _catalogues.get(engine)
    if found is None:
        categories = tuple(category_view(c) for c in session.exec(select(Category).order_by(Category.position)))
        places = {
            n.slug: PlaceRow(n.slug, n.name, n.municipality_slug, n.parent_slug)
            for n in session.exec(select(Neighbourhood))
        }
        found = _catalogues[engine] = Catalogue(categories, {c.slug: c for c in categories}, places)
    return found


def forget_catalogue(engine: Engine) -> None:
    """Read the categories and places again on next use (after the data files were loaded anew)."""
    _catalogues.pop(engine, None)


def all_categories(session: Session) -> list[CategoryView]:
    """Every category in the data file's order."""
    return list(catalogue(session).categories)


def category_of(session: Session, slug: str) -> CategoryView | None:
    """One category by its slug, or None."""
    return catalogue(session).by_slug.get(slug)


def place_of_slug(session: Session, slug: str) -> PlaceRow | None:
    """One kern, wijk or buurt by its slug, or None."""
    return catalogue(session).places.get(slug)
