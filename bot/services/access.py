"""Who may do what: one scope model for coordinators and the role predicates every privileged service checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sqlmodel import Session, or_, select

from bot.services.places import family
from db.models import Coordinator, Organiser, Volunteer, VolunteerArea, VolunteerStatus


@dataclass(frozen=True)
class Scope:
    """Where a coordinator may act: `Scope.ALL` municipalities, or `Scope.of(slug)` for one."""

    ALL: ClassVar[Scope]
    municipality_slug: str | None

    @classmethod
    def of(cls, municipality_slug: str) -> Scope:
        """The scope of one municipality."""
        return cls(municipality_slug)

    @property
    def is_all(self) -> bool:
        return self.municipality_slug is None

    def covers(self, municipality_slug: str | None) -> bool:
        """Whether this scope reaches `municipality_slug`; something without a municipality is for ALL only."""
        return self.is_all or self.municipality_slug == municipality_slug


Scope.ALL = Scope(None)


def scope_of(session: Session, user_id: int) -> Scope | None:
    """The coordinator scope of a user, or None when they coordinate nothing."""
    coordinator = session.get(Coordinator, user_id)
    if coordinator is None:
        return None
    return Scope.ALL if coordinator.municipality_slug is None else Scope.of(coordinator.municipality_slug)


def coordinates(session: Session, user_id: int, municipality_slug: str | None) -> bool:
    """Whether `user_id` may act for `municipality_slug` (something without one: coordinators of all only)."""
    scope = scope_of(session, user_id)
    return scope is not None and scope.covers(municipality_slug)


def coordinates_any(session: Session, user_id: int) -> bool:
    """Whether `user_id` coordinates at least one municipality."""
    return scope_of(session, user_id) is not None


def coordinates_all(session: Session, user_id: int) -> bool:
    """Whether `user_id` coordinates every municipality (and so may manage coordinators)."""
    return scope_of(session, user_id) == Scope.ALL


def organised_kern(session: Session, user_id: int) -> tuple[str, str] | None:
    """(municipality, kern) of the werkgroep a user organises, or None."""
    organiser = session.get(Organiser, user_id)
    return None if organiser is None else (organiser.municipality_slug, organiser.neighbourhood_slug)


def publishes_for(session: Session, user_id: int, municipality_slug: str, neighbourhoods: list[str]) -> bool:
    """Whether `user_id` may announce activities here: a coordinator, or the organiser of exactly this one kern."""
    if coordinates(session, user_id, municipality_slug):
        return True
    return len(neighbourhoods) == 1 and organised_kern(session, user_id) == (municipality_slug, neighbourhoods[0])


def coordinators_of(session: Session, municipality_slug: str | None) -> tuple[int, ...]:
    """Who coordinates `municipality_slug`: its own coordinators and those of all municipalities."""
    query = select(Coordinator.user_id).where(
        or_(Coordinator.municipality_slug.is_(None), Coordinator.municipality_slug == municipality_slug)
    )
    return tuple(session.exec(query.order_by(Coordinator.user_id)))


def volunteer_areas(session: Session, user_id: int) -> set[str]:
    """Neighbourhood slugs a volunteer signed up for."""
    query = select(VolunteerArea.neighbourhood_slug).where(VolunteerArea.volunteer_id == user_id)
    return set(session.exec(query))


def volunteers_in(session: Session, user_id: int, neighbourhood_slug: str) -> bool:
    """Whether `user_id` is an approved volunteer here: this place, its kern/wijk or a buurt of it."""
    volunteer = session.get(Volunteer, user_id)
    if volunteer is None or volunteer.status != VolunteerStatus.APPROVED:
        return False
    wanted = family(session, neighbourhood_slug)
    return any(wanted & family(session, area) for area in volunteer_areas(session, user_id))
