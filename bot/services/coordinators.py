"""Who coordinates where: checks for every coordinator command, and managing coordinators in chat."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, select

from db.models import Coordinator, Municipality, Neighbourhood, User


class RoleChange(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    NOT_ALLOWED = "not_allowed"
    UNKNOWN_MUNICIPALITY = "unknown_municipality"
    NOT_FOUND = "not_found"


def coordinator_of(session: Session, user_id: int) -> Coordinator | None:
    """The coordinator record of a user, or None."""
    return session.get(Coordinator, user_id)


def coordinates(session: Session, user_id: int, municipality_slug: str | None) -> bool:
    """Whether `user_id` may act for `municipality_slug`; an item without one is for all-coordinators only."""
    coordinator = session.get(Coordinator, user_id)
    if coordinator is None:
        return False
    return coordinator.municipality_slug is None or coordinator.municipality_slug == municipality_slug


def is_coordinator_of_all(session: Session, user_id: int) -> bool:
    """Whether `user_id` coordinates every municipality (and so may manage coordinators)."""
    coordinator = session.get(Coordinator, user_id)
    return coordinator is not None and coordinator.municipality_slug is None


def municipality_of_user(session: Session, user: User | None) -> str | None:
    """The municipality of a user's neighbourhood, if known."""
    if user is None or user.neighbourhood_slug is None:
        return None
    place = session.get(Neighbourhood, user.neighbourhood_slug)
    return place.municipality_slug if place else None


def add_coordinator(
    session: Session, *, by_user_id: int, user_id: int, municipality_slug: str | None, now: datetime
) -> RoleChange:
    """An all-municipality coordinator makes `user_id` a coordinator (of one municipality or all)."""
    if not is_coordinator_of_all(session, by_user_id):
        return RoleChange.NOT_ALLOWED
    if municipality_slug is not None and session.get(Municipality, municipality_slug) is None:
        return RoleChange.UNKNOWN_MUNICIPALITY
    if session.get(User, user_id) is None:
        session.add(User(id=user_id, created_at=now))
        session.flush()
    coordinator = session.get(Coordinator, user_id) or Coordinator(user_id=user_id, added_at=now)
    coordinator.municipality_slug = municipality_slug
    session.add(coordinator)
    session.commit()
    return RoleChange.ADDED


def remove_coordinator(session: Session, *, by_user_id: int, user_id: int) -> RoleChange:
    """An all-municipality coordinator removes a coordinator (never themselves)."""
    if not is_coordinator_of_all(session, by_user_id) or user_id == by_user_id:
        return RoleChange.NOT_ALLOWED
    coordinator = session.get(Coordinator, user_id)
    if coordinator is None:
        return RoleChange.NOT_FOUND
    session.delete(coordinator)
    session.commit()
    return RoleChange.REMOVED


def list_coordinators(session: Session) -> list[Coordinator]:
    """Every coordinator, by user id."""
    return list(session.exec(select(Coordinator).order_by(Coordinator.user_id)))
