"""Neighbourhoods and the groups that serve them."""

from __future__ import annotations

from datetime import datetime
from math import cos, hypot, radians

from sqlmodel import Session, select

from db.models import GroupLink, Municipality, Neighbourhood


def family(session: Session, slug: str) -> set[str]:
    """A neighbourhood with its kern/wijk above it (a buurt belongs to both)."""
    place = session.get(Neighbourhood, slug)
    if place is None:
        return set()
    return {place.slug, place.parent_slug} - {None}


def municipalities(session: Session) -> list[Municipality]:
    return list(session.exec(select(Municipality).order_by(Municipality.name)))


def areas_of(session: Session, municipality_slug: str) -> list[Neighbourhood]:
    """The kernen and wijken of a municipality (not the buurten), by name."""
    query = select(Neighbourhood).where(
        Neighbourhood.municipality_slug == municipality_slug, Neighbourhood.parent_slug.is_(None)
    )
    return list(session.exec(query.order_by(Neighbourhood.name)))


def groups_serving(session: Session, neighbourhood_slug: str) -> list[GroupLink]:
    """The groups of a neighbourhood, else those of its kern/wijk."""
    slug: str | None = neighbourhood_slug
    while slug:
        links = list(session.exec(select(GroupLink).where(GroupLink.neighbourhood_slug == slug)))
        if links:
            return links
        place = session.get(Neighbourhood, slug)
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
    session.commit()
    return place.name


def linked_neighbourhoods(session: Session, chat_id: int) -> list[Neighbourhood]:
    """The neighbourhoods a group is linked to."""
    query = select(Neighbourhood).join(GroupLink, GroupLink.neighbourhood_slug == Neighbourhood.slug)
    return list(session.exec(query.where(GroupLink.chat_id == chat_id)))


def nearest_neighbourhood(session: Session, latitude: float, longitude: float) -> Neighbourhood | None:
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
    return best if distance_km <= 15 else None
