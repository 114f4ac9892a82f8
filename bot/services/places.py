"""Neighbourhoods and the groups that serve them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from math import cos, hypot, radians

from sqlmodel import Session, select

from bot.services.catalogue import place_of_slug
from db.models import GroupLink, Municipality, Neighbourhood


@dataclass(frozen=True)
class Place:
    """A municipality, kern, wijk or buurt: what a button or a sentence needs of it."""

    slug: str
    name: str
    municipality_slug: str


def family(session: Session, slug: str) -> set[str]:
    """A neighbourhood with its kern/wijk above it (a buurt belongs to both)."""
    place = place_of_slug(session, slug)
    if place is None:
        return set()
    return {place.slug, place.parent_slug} - {None}


def _place(neighbourhood: Neighbourhood) -> Place:
    return Place(neighbourhood.slug, neighbourhood.name, neighbourhood.municipality_slug)


def municipalities(session: Session) -> list[Place]:
    """Every municipality, by name."""
    return [Place(m.slug, m.name, m.slug) for m in session.exec(select(Municipality).order_by(Municipality.name))]


def municipality_name(session: Session, municipality_slug: str) -> str | None:
    """The name of a municipality, or None for an unknown slug."""
    municipality = session.get(Municipality, municipality_slug)
    return municipality.name if municipality else None


def place_of(session: Session, slug: str) -> Place | None:
    """A neighbourhood by its slug, or None."""
    place = place_of_slug(session, slug)
    return Place(place.slug, place.name, place.municipality_slug) if place else None


def areas_of(session: Session, municipality_slug: str) -> list[Place]:
    """The kernen and wijken of a municipality (not the buurten), by name."""
    query = select(Neighbourhood).where(
        Neighbourhood.municipality_slug == municipality_slug, Neighbourhood.parent_slug.is_(None)
    )
    return [_place(n) for n in session.exec(query.order_by(Neighbourhood.name))]


def groups_serving(session: Session, neighbourhood_slug: str) -> list[GroupLink]:
    """The groups of a neighbourhood, else those of its kern/wijk."""
    slug: str | None = neighbourhood_slug
    while slug:
        links = list(session.exec(select(GroupLink).where(GroupLink.neighbourhood_slug == slug)))
        if links:
            return links
        place = place_of_slug(session, slug)
        slug = place.parent_slug if place else None
    return []


def link_group(
    session: Session, *, chat_id: int, title: str, neighbourhood_slug: str, linked_by: int, now: datetime
) -> GroupLink:
    """Link a group to a neighbourhood (idempotent)."""
    existing = session.exec(
        select(GroupLink).where(GroupLink.chat_id == chat_id, GroupLink.neighbourhood_slug == neighbourhood_slug)
    ).first()
    if existing:
        existing.title = title
        session.add(existing)
        return existing
    link = GroupLink(
        chat_id=chat_id,
        title=title,
        neighbourhood_slug=neighbourhood_slug,
        linked_by=linked_by,
        linked_at=now,
    )
    session.add(link)
    return link


def link_group_to(
    session: Session, *, chat_id: int, title: str, neighbourhood_slug: str, linked_by: int, now: datetime
) -> str | None:
    """Link a group to a neighbourhood and save it; the neighbourhood's name (None if unknown)."""
    place = session.get(Neighbourhood, neighbourhood_slug)
    if place is None:
        return None
    link_group(
        session, chat_id=chat_id, title=title, neighbourhood_slug=neighbourhood_slug, linked_by=linked_by, now=now
    )
    return place.name


def linked_neighbourhoods(session: Session, chat_id: int) -> list[Place]:
    """The neighbourhoods a group is linked to."""
    query = select(Neighbourhood).join(GroupLink, GroupLink.neighbourhood_slug == Neighbourhood.slug)
    return [_place(n) for n in session.exec(query.where(GroupLink.chat_id == chat_id))]


def is_linked(session: Session, chat_id: int) -> bool:
    """Whether a group chat serves at least one neighbourhood."""
    return session.exec(select(GroupLink.id).where(GroupLink.chat_id == chat_id)).first() is not None


def nearest_neighbourhood(session: Session, latitude: float, longitude: float) -> Place | None:
    """The neighbourhood whose centre is closest to a shared location (within about 15 km)."""
    scale = cos(radians(latitude))
    candidates = session.exec(select(Neighbourhood).where(Neighbourhood.latitude.is_not(None)))
    best = min(
        candidates,
        key=lambda place: (place.latitude - latitude) ** 2 + ((place.longitude - longitude) * scale) ** 2,
        default=None,
    )
    if best is None:
        return None
    distance_km = 111 * hypot(best.latitude - latitude, (best.longitude - longitude) * scale)
    return _place(best) if distance_km <= 15 else None
