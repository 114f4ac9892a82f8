"""Who may work on the desk, and what: coordinators do everything in their municipality, desk volunteers
(baliemedewerkers) take requests by phone or at the desk and work the call-back list. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, select

from bot.services.access import Scope, coordinates_any, scope_of
from db.models import DeskVolunteer, Municipality, User


class DeskRole(StrEnum):
    COORDINATOR = "coordinator"
    DESK_VOLUNTEER = "desk_volunteer"


class DeskPermission(StrEnum):
    INTAKE = "intake"  # take a request by phone or at the desk
    CALL_BACKS = "call_backs"  # the call-back list: note, 'gebeld', close
    INBOX = "inbox"  # every inbox kind: assign, refer
    VOLUNTEERS = "volunteers"  # approve, pause, hours
    ACTIVITIES = "activities"
    OVERVIEW = "overview"
    EXPORT = "export"
    PEOPLE = "people"  # manage desk volunteers
    AUDIT = "audit"


PERMISSIONS: dict[DeskRole, frozenset[DeskPermission]] = {
    DeskRole.COORDINATOR: frozenset(DeskPermission),
    DeskRole.DESK_VOLUNTEER: frozenset({DeskPermission.INTAKE, DeskPermission.CALL_BACKS}),
}


class RoleChange(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    NOT_ALLOWED = "not_allowed"
    UNKNOWN_MUNICIPALITY = "unknown_municipality"
    NOT_FOUND = "not_found"
    IS_COORDINATOR = "is_coordinator"


@dataclass(frozen=True)
class DeskIdentity:
    """Someone who may use the desk: their role and where they act (the one scope model of `access`)."""

    user_id: int
    name: str
    role: DeskRole
    scope: Scope

    def may(self, permission: DeskPermission) -> bool:
        """Whether the role allows `permission` at all (the municipality is checked with `covers`)."""
        return permission in PERMISSIONS[self.role]

    def covers(self, municipality_slug: str | None) -> bool:
        """Whether they act for `municipality_slug`; something without a municipality is for all-coordinators."""
        return self.scope.covers(municipality_slug)

    @property
    def all_municipalities(self) -> bool:
        return self.scope.is_all

    @property
    def municipality_slug(self) -> str | None:
        """Their one municipality (None for a coordinator of all)."""
        return self.scope.municipality_slug


@dataclass(frozen=True)
class DeskVolunteerEntry:
    """One desk volunteer as listed."""

    user_id: int
    name: str
    municipality_slug: str
    steunpunt_slug: str | None


def desk_identity(session: Session, user_id: int) -> DeskIdentity | None:
    """The desk role of `user_id` (coordinator first), or None for everyone else."""
    user = session.get(User, user_id)
    name = (user.first_name if user else "") or str(user_id)
    scope = scope_of(session, user_id)
    if scope is not None:
        return DeskIdentity(user_id=user_id, name=name, role=DeskRole.COORDINATOR, scope=scope)
    desk_volunteer = session.get(DeskVolunteer, user_id)
    if desk_volunteer is not None:
        return DeskIdentity(
            user_id=user_id,
            name=name,
            role=DeskRole.DESK_VOLUNTEER,
            scope=Scope.of(desk_volunteer.municipality_slug),
        )
    return None


def _may_manage(session: Session, by_user_id: int | None, municipality_slug: str) -> bool:
    """The operator (no user) or a coordinator of that municipality manages its desk volunteers."""
    if by_user_id is None:
        return True
    identity = desk_identity(session, by_user_id)
    return identity is not None and identity.may(DeskPermission.PEOPLE) and identity.covers(municipality_slug)


def add_desk_volunteer(
    session: Session,
    *,
    by_user_id: int | None,
    user_id: int,
    municipality_slug: str,
    steunpunt_slug: str | None,
    now: datetime,
) -> RoleChange:
    """Make `user_id` a desk volunteer of a municipality (and a steunpunt in it); `by_user_id` None is the operator."""
    if session.get(Municipality, municipality_slug) is None:
        return RoleChange.UNKNOWN_MUNICIPALITY
    if not _may_manage(session, by_user_id, municipality_slug):
        return RoleChange.NOT_ALLOWED
    if coordinates_any(session, user_id):
        return RoleChange.IS_COORDINATOR
    existing = session.get(DeskVolunteer, user_id)
    if existing is not None and not _may_manage(session, by_user_id, existing.municipality_slug):
        return RoleChange.NOT_ALLOWED
    if session.get(User, user_id) is None:
        session.add(User(id=user_id, created_at=now))
        session.flush()
    desk_volunteer = existing or DeskVolunteer(user_id=user_id, municipality_slug=municipality_slug, added_at=now)
    desk_volunteer.municipality_slug = municipality_slug
    desk_volunteer.steunpunt_slug = steunpunt_slug
    desk_volunteer.added_by = by_user_id
    session.add(desk_volunteer)
    session.flush()
    return RoleChange.ADDED


def remove_desk_volunteer(session: Session, *, by_user_id: int | None, user_id: int) -> RoleChange:
    """End someone's desk volunteer role; `by_user_id` None is the operator."""
    desk_volunteer = session.get(DeskVolunteer, user_id)
    if desk_volunteer is None:
        return RoleChange.NOT_FOUND
    if not _may_manage(session, by_user_id, desk_volunteer.municipality_slug):
        return RoleChange.NOT_ALLOWED
    session.delete(desk_volunteer)
    session.flush()
    return RoleChange.REMOVED


def list_desk_volunteers(session: Session, *, municipality_slug: str | None = None) -> list[DeskVolunteerEntry]:
    """Desk volunteers, of one municipality or all, by municipality and name."""
    query = select(DeskVolunteer, User).join(User, User.id == DeskVolunteer.user_id, isouter=True)
    if municipality_slug is not None:
        query = query.where(DeskVolunteer.municipality_slug == municipality_slug)
    rows = session.exec(query.order_by(DeskVolunteer.municipality_slug, User.first_name, DeskVolunteer.user_id))
    return [
        DeskVolunteerEntry(
            user_id=desk_volunteer.user_id,
            name=(user.first_name if user else "") or str(desk_volunteer.user_id),
            municipality_slug=desk_volunteer.municipality_slug,
            steunpunt_slug=desk_volunteer.steunpunt_slug,
        )
        for desk_volunteer, user in rows
    ]
