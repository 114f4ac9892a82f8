"""Volunteers: sign up, approval by a coordinator, group access, pause and stop. Channel-free."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, select

from bot.config import Settings
from bot.services.access import coordinates, coordinators_of, volunteer_areas, volunteers_in
from bot.services.catalogue import category_view
from bot.services.notices import NewVolunteer, VolunteerDecided, VolunteerStopped, tell
from bot.services.places import family, linked_neighbourhoods
from bot.services.request_states import release_all_held
from bot.services.views import OfferView, contact_of
from db.models import Category, GroupLink, Neighbourhood, User, Volunteer, VolunteerArea, VolunteerStatus

# What a volunteer can choose as times: days of the week and parts of the day.
DAY_KEYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
PART_KEYS = ("ochtend", "middag", "avond")


@dataclass
class SignUp:
    """What a volunteer offers; gathered by the sign-up flow, stored at the end."""

    categories: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    availability: list[str] = field(default_factory=list)
    phone: str | None = None
    reintegration: bool = False


class Decision(StrEnum):
    """A coordinator's yes or no, or why it could not be given."""

    DECIDED = "decided"
    NOT_ALLOWED = "not_allowed"
    ALREADY_DECIDED = "already_decided"


@dataclass(frozen=True)
class PendingVolunteer:
    """A sign-up a coordinator may decide on, with the groups an approval would open."""

    decision: Decision
    group_chat_ids: tuple[int, ...] = ()


def _categories(session: Session, slugs: Iterable[str]) -> list[Category]:
    wanted = set(slugs)
    return [c for c in session.exec(select(Category).order_by(Category.position)) if c.slug in wanted]


def _places(session: Session, slugs: Iterable[str]) -> list[Neighbourhood]:
    wanted = set(slugs)
    if not wanted:
        return []
    return list(session.exec(select(Neighbourhood).where(Neighbourhood.slug.in_(wanted)).order_by(Neighbourhood.name)))


def municipalities_of(session: Session, areas: Iterable[str]) -> set[str]:
    """The municipalities the neighbourhoods lie in."""
    return {place.municipality_slug for place in _places(session, areas)}


def offer_of(session: Session, user_id: int) -> OfferView | None:
    """What a volunteer offers (in any status), or None for someone who never signed up."""
    volunteer = session.get(Volunteer, user_id)
    if volunteer is None:
        return None
    areas = volunteer_areas(session, user_id)
    return OfferView(
        volunteer_id=user_id,
        status=volunteer.status,
        categories=tuple(category_view(c) for c in _categories(session, volunteer.categories)),
        category_slugs=tuple(volunteer.categories),
        place_names=tuple(place.name for place in _places(session, areas)),
        area_slugs=tuple(sorted(areas)),
        availability=tuple(volunteer.availability),
        reintegration=volunteer.reintegration,
    )


def submit_sign_up(session: Session, *, user_id: int, offer: SignUp, now: datetime) -> str:
    """Store the offer; new volunteers and new neighbourhoods wait for a coordinator, who is told. The status."""
    if not offer.areas:
        raise ValueError("a volunteer needs at least one neighbourhood")
    volunteer = session.get(Volunteer, user_id) or Volunteer(user_id=user_id, created_at=now)
    old_areas = volunteer_areas(session, user_id)
    new_areas = set(offer.areas)
    keeps_approval = volunteer.status in (VolunteerStatus.APPROVED, VolunteerStatus.PAUSED) and new_areas <= old_areas
    if not keeps_approval:
        volunteer.status = VolunteerStatus.PENDING
    volunteer.categories = list(offer.categories)
    volunteer.availability = list(offer.availability)
    volunteer.reintegration = offer.reintegration
    volunteer.consent_at = now
    session.add(volunteer)
    for slug in old_areas - new_areas:
        session.delete(session.get(VolunteerArea, (user_id, slug)))
    for slug in new_areas - old_areas:
        session.add(VolunteerArea(volunteer_id=user_id, neighbourhood_slug=slug))
    user = session.get(User, user_id)
    if offer.phone and user is not None:
        user.phone = offer.phone
        session.add(user)
    session.flush()
    if volunteer.status == VolunteerStatus.PENDING:
        tell(
            session,
            NewVolunteer(
                coordinator_ids=_coordinators_of_volunteer(session, user_id),
                volunteer=contact_of(session, user_id),
                offer=offer_of(session, user_id),
            ),
        )
    return volunteer.status


def _coordinators_of_volunteer(session: Session, volunteer_id: int) -> tuple[int, ...]:
    coordinator_ids: set[int] = set()
    for municipality in municipalities_of(session, volunteer_areas(session, volunteer_id)):
        coordinator_ids.update(coordinators_of(session, municipality))
    return tuple(sorted(coordinator_ids))


def may_decide(session: Session, *, coordinator_id: int, volunteer_id: int) -> bool:
    """A coordinator of one of the volunteer's municipalities (or of all) may approve or reject."""
    municipalities = municipalities_of(session, volunteer_areas(session, volunteer_id))
    return any(coordinates(session, coordinator_id, municipality) for municipality in municipalities)


def pending_volunteer(session: Session, *, volunteer_id: int, coordinator_id: int) -> PendingVolunteer:
    """Whether this coordinator may decide on this volunteer now, and the groups an approval opens."""
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None or not may_decide(session, coordinator_id=coordinator_id, volunteer_id=volunteer_id):
        return PendingVolunteer(Decision.NOT_ALLOWED)
    if volunteer.status != VolunteerStatus.PENDING:
        return PendingVolunteer(Decision.ALREADY_DECIDED)
    return PendingVolunteer(Decision.DECIDED, tuple(groups_for_volunteer(session, volunteer_id)))


def groups_for_volunteer(session: Session, volunteer_id: int) -> list[int]:
    """The group chats that serve a volunteer's neighbourhoods (a kern's group serves its buurten)."""
    areas = [family(session, slug) for slug in volunteer_areas(session, volunteer_id)]
    chats: list[int] = []
    for link in session.exec(select(GroupLink).order_by(GroupLink.id)):
        if link.chat_id not in chats and any(family(session, link.neighbourhood_slug) & area for area in areas):
            chats.append(link.chat_id)
    return chats


def decide_volunteer(
    session: Session,
    *,
    volunteer_id: int,
    coordinator_id: int,
    approve: bool,
    invite_links: list[str],
    now: datetime,
) -> Decision:
    """Approve or reject a pending volunteer, once; the volunteer hears it (with the group links)."""
    if not may_decide(session, coordinator_id=coordinator_id, volunteer_id=volunteer_id):
        return Decision.NOT_ALLOWED
    result = session.exec(
        update(Volunteer)
        .where(Volunteer.user_id == volunteer_id, Volunteer.status == VolunteerStatus.PENDING)
        .values(
            status=VolunteerStatus.APPROVED if approve else VolunteerStatus.REJECTED,
            decided_by=coordinator_id,
            decided_at=now,
        )
    )
    if result.rowcount != 1:
        return Decision.ALREADY_DECIDED
    tell(session, VolunteerDecided(volunteer_id=volunteer_id, approved=approve, invite_links=tuple(invite_links)))
    return Decision.DECIDED


def may_join_group(session: Session, *, user_id: int, chat_id: int) -> bool:
    """Only approved volunteers of a neighbourhood the group serves may join it."""
    return any(volunteers_in(session, user_id, place.slug) for place in linked_neighbourhoods(session, chat_id))


def set_paused(session: Session, *, user_id: int, paused: bool) -> bool:
    """Pause an approved volunteer (no claims meanwhile), or make a paused one available again."""
    before, after = (
        (VolunteerStatus.APPROVED, VolunteerStatus.PAUSED)
        if paused
        else (VolunteerStatus.PAUSED, VolunteerStatus.APPROVED)
    )
    result = session.exec(
        update(Volunteer).where(Volunteer.user_id == user_id, Volunteer.status == before).values(status=after)
    )
    return result.rowcount == 1


def stop_volunteering(session: Session, *, user_id: int, now: datetime, settings: Settings) -> bool:
    """Stop for good; the coordinators are told, so they can remove the volunteer from the groups."""
    result = session.exec(
        update(Volunteer)
        .where(Volunteer.user_id == user_id, Volunteer.status != VolunteerStatus.STOPPED)
        .values(status=VolunteerStatus.STOPPED)
    )
    if result.rowcount != 1:
        return False
    # What they still hold goes back to the group, the normal way.
    release_all_held(session, volunteer_id=user_id, now=now, settings=settings)
    tell(
        session,
        VolunteerStopped(
            coordinator_ids=_coordinators_of_volunteer(session, user_id),
            volunteer_id=user_id,
            volunteer=contact_of(session, user_id),
        ),
    )
    return True
