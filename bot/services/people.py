"""Users and their roles: residents, volunteers, coordinators."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, or_, select

from bot.services.places import family
from db.models import Coordinator, Neighbourhood, User, Volunteer, VolunteerArea, VolunteerStatus


def upsert_user(
    session: Session,
    *,
    user_id: int,
    first_name: str,
    username: str | None,
    language_code: str | None,
    now: datetime,
    private_chat: bool = False,
) -> User:
    """Create or refresh the user behind an update."""
    user = session.get(User, user_id)
    if user is None:
        user = User(id=user_id, created_at=now)
    if user.forgotten_at is None:
        user.first_name = first_name
        user.username = username
    user.telegram_locale = language_code
    if private_chat:
        user.has_private_chat = True
        user.reachable = True
    session.add(user)
    return user


def ensure_coordinators(session: Session, user_ids: Iterable[int], *, now: datetime) -> None:
    """Make the bootstrap coordinators (from `COORDINATOR_IDS`) coordinators of every municipality."""
    for user_id in user_ids:
        if session.get(Coordinator, user_id) is None:
            session.add(Coordinator(user_id=user_id, municipality_slug=None, added_at=now))


def is_coordinator(session: Session, user_id: int, municipality_slug: str | None = None) -> bool:
    """Whether `user_id` coordinates `municipality_slug` (any municipality when it is None)."""
    coordinator = session.get(Coordinator, user_id)
    if coordinator is None:
        return False
    return coordinator.municipality_slug is None or municipality_slug in (None, coordinator.municipality_slug)


def coordinators_for(session: Session, municipality_slug: str | None) -> list[int]:
    """Coordinators who handle `municipality_slug`: its own, and those of all municipalities."""
    query = select(Coordinator.user_id).where(
        or_(Coordinator.municipality_slug.is_(None), Coordinator.municipality_slug == municipality_slug)
    )
    return list(session.exec(query.order_by(Coordinator.user_id)))


def add_volunteer(
    session: Session,
    *,
    user_id: int,
    neighbourhoods: Iterable[str],
    now: datetime,
    approved_by: int | None = None,
) -> Volunteer:
    """Register an approved volunteer for `neighbourhoods` (used by operators and on approval)."""
    volunteer = session.get(Volunteer, user_id) or Volunteer(user_id=user_id, created_at=now)
    volunteer.status = VolunteerStatus.APPROVED
    volunteer.decided_by = approved_by
    session.add(volunteer)
    if session.get(User, user_id) is None:
        session.add(User(id=user_id, created_at=now))
    for slug in neighbourhoods:
        if session.get(VolunteerArea, (user_id, slug)) is None:
            session.add(VolunteerArea(volunteer_id=user_id, neighbourhood_slug=slug))
    return volunteer


def volunteer_areas(session: Session, user_id: int) -> set[str]:
    """Neighbourhood slugs a volunteer signed up for."""
    query = select(VolunteerArea.neighbourhood_slug).where(VolunteerArea.volunteer_id == user_id)
    return set(session.exec(query))


def may_help_in(session: Session, user_id: int, neighbourhood_slug: str) -> bool:
    """Whether `user_id` is an approved volunteer here: this place, its kern/wijk or a buurt of it."""
    volunteer = session.get(Volunteer, user_id)
    if volunteer is None or volunteer.status != VolunteerStatus.APPROVED:
        return False
    wanted = family(session, neighbourhood_slug)
    return any(wanted & family(session, area) for area in volunteer_areas(session, user_id))


def set_locale(session: Session, user_id: int, locale: str) -> None:
    """Remember the language a user chose."""
    user = session.get(User, user_id)
    if user is not None:
        user.chosen_locale = locale
        session.add(user)
        session.commit()


def set_activity_news(session: Session, user_id: int, wanted: bool) -> None:
    """Remember whether a user wants news about activities in their neighbourhood."""
    user = session.get(User, user_id)
    if user is not None:
        user.activity_news = wanted
        session.add(user)
        session.commit()


def set_neighbourhood(session: Session, user_id: int, slug: str) -> str | None:
    """Remember where a user lives; the neighbourhood's name, or None for an unknown place or user."""
    place = session.get(Neighbourhood, slug)
    user = session.get(User, user_id)
    if place is None or user is None:
        return None
    user.neighbourhood_slug = place.slug
    session.add(user)
    session.commit()
    return place.name
