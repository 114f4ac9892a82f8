"""Werkgroepen: a coordinator makes a resident the organiser of a werkgroep for one kern of their municipality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, select

from bot.services.access import coordinates, scope_of
from bot.services.notices import OrganiserAppointed, tell
from db.models import Neighbourhood, Organiser, User


class OrganiserChange(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    NOT_ALLOWED = "not_allowed"
    UNKNOWN_KERN = "unknown_kern"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class OrganiserEntry:
    """An organiser, their werkgroep and its kern."""

    user_id: int
    werkgroep: str
    kern_name: str


def kern_named(session: Session, typed: str) -> Neighbourhood | None:
    """A kern or wijk (never a buurt) by its slug or its name."""
    wanted = typed.strip().lower()
    areas = session.exec(select(Neighbourhood).where(Neighbourhood.parent_slug.is_(None))).all()
    return next((area for area in areas if wanted in (area.slug, area.name.lower())), None)


def appoint_organiser(
    session: Session, *, by_user_id: int, user_id: int, kern: str, werkgroep: str, now: datetime
) -> OrganiserChange:
    """A coordinator of the kern's municipality makes `user_id` organiser of a werkgroep there (one kern each)."""
    area = kern_named(session, kern)
    if area is None:
        return OrganiserChange.NOT_ALLOWED if scope_of(session, by_user_id) is None else OrganiserChange.UNKNOWN_KERN
    if not coordinates(session, by_user_id, area.municipality_slug):
        return OrganiserChange.NOT_ALLOWED
    if session.get(User, user_id) is None:
        session.add(User(id=user_id, created_at=now))
        session.flush()
    organiser = session.get(Organiser, user_id) or Organiser(user_id=user_id, added_by=by_user_id, added_at=now)
    organiser.neighbourhood_slug, organiser.municipality_slug = area.slug, area.municipality_slug
    organiser.werkgroep, organiser.added_by, organiser.added_at = werkgroep, by_user_id, now
    session.add(organiser)
    tell(session, OrganiserAppointed(user_id=user_id, werkgroep=werkgroep, kern_name=area.name))
    return OrganiserChange.ADDED


def remove_organiser(session: Session, *, by_user_id: int, user_id: int) -> OrganiserChange:
    """A coordinator of the organiser's municipality ends their role."""
    organiser = session.get(Organiser, user_id)
    if organiser is None:
        return OrganiserChange.NOT_FOUND if scope_of(session, by_user_id) else OrganiserChange.NOT_ALLOWED
    if not coordinates(session, by_user_id, organiser.municipality_slug):
        return OrganiserChange.NOT_ALLOWED
    session.delete(organiser)
    return OrganiserChange.REMOVED


def list_organisers(session: Session, *, by_user_id: int) -> list[OrganiserEntry] | None:
    """The organisers in the coordinator's municipality (None for anyone but a coordinator)."""
    scope = scope_of(session, by_user_id)
    if scope is None:
        return None
    query = select(Organiser, Neighbourhood.name).join(
        Neighbourhood, Neighbourhood.slug == Organiser.neighbourhood_slug
    )
    if not scope.is_all:
        query = query.where(Organiser.municipality_slug == scope.municipality_slug)
    rows = session.exec(query.order_by(Neighbourhood.name, Organiser.user_id)).all()
    return [OrganiserEntry(organiser.user_id, organiser.werkgroep, name) for organiser, name in rows]
