"""Managing coordinators in chat: only a coordinator of all municipalities adds or removes one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, select

from bot.services.access import Scope, coordinates_all, scope_of
from db.models import Coordinator, Municipality, User


class RoleChange(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    NOT_ALLOWED = "not_allowed"
    UNKNOWN_MUNICIPALITY = "unknown_municipality"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class CoordinatorEntry:
    """A coordinator and where they may act."""

    user_id: int
    scope: Scope


def add_coordinator(session: Session, *, by_user_id: int, user_id: int, scope: Scope, now: datetime) -> RoleChange:
    """An all-municipality coordinator makes `user_id` a coordinator (of one municipality or all)."""
    if not coordinates_all(session, by_user_id):
        return RoleChange.NOT_ALLOWED
    if not scope.is_all and session.get(Municipality, scope.municipality_slug) is None:
        return RoleChange.UNKNOWN_MUNICIPALITY
    if session.get(User, user_id) is None:
        session.add(User(id=user_id, created_at=now))
        session.flush()
    coordinator = session.get(Coordinator, user_id) or Coordinator(user_id=user_id, added_at=now)
    coordinator.municipality_slug = scope.municipality_slug
    session.add(coordinator)
    return RoleChange.ADDED


def remove_coordinator(session: Session, *, by_user_id: int, user_id: int) -> RoleChange:
    """An all-municipality coordinator removes a coordinator (never themselves)."""
    if not coordinates_all(session, by_user_id) or user_id == by_user_id:
        return RoleChange.NOT_ALLOWED
    coordinator = session.get(Coordinator, user_id)
    if coordinator is None:
        return RoleChange.NOT_FOUND
    session.delete(coordinator)
    return RoleChange.REMOVED


def list_coordinators(session: Session, *, by_user_id: int) -> list[CoordinatorEntry] | None:
    """Every coordinator, by user id, for a coordinator to see (None for anyone else)."""
    if scope_of(session, by_user_id) is None:
        return None
    rows = session.exec(select(Coordinator.user_id).order_by(Coordinator.user_id)).all()
    return [CoordinatorEntry(user_id, scope_of(session, user_id)) for user_id in rows]
