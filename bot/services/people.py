"""Users and their roles: residents, volunteers, coordinators."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.i18n import resolve_locale
from db.models import Coordinator, Neighbourhood, User, Volunteer, VolunteerArea, VolunteerStatus


@dataclass(frozen=True)
class Profile:
    """What the bot knows of a user that decides what it asks or offers next."""

    user_id: int
    first_name: str
    neighbourhood_slug: str | None
    locale: str
    activity_news: bool


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


def profile_of(session: Session, user_id: int, *, default_locale: str) -> Profile | None:
    """A user's place, language and news choice; None for someone the bot never met."""
    user = session.get(User, user_id)
    if user is None:
        return None
    return Profile(
        user_id=user.id,
        first_name=user.first_name,
        neighbourhood_slug=user.neighbourhood_slug,
        locale=resolve_locale(user.chosen_locale, user.telegram_locale, default_locale),
        activity_news=user.activity_news,
    )


def locale_of(session: Session, user_id: int, *, default_locale: str) -> str:
    """The language to write to a user in: their choice, else Telegram's, else the default."""
    user = session.get(User, user_id)
    if user is None:
        return default_locale
    return resolve_locale(user.chosen_locale, user.telegram_locale, default_locale)


def ensure_coordinators(session: Session, user_ids: Iterable[int], *, now: datetime) -> None:
    """Make the bootstrap coordinators (from `COORDINATOR_IDS`) coordinators of every municipality."""
    for user_id in user_ids:
        if session.get(Coordinator, user_id) is None:
            session.add(Coordinator(user_id=user_id, municipality_slug=None, added_at=now))


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


def set_locale(session: Session, user_id: int, locale: str) -> None:
    """Remember the language a user chose."""
    user = session.get(User, user_id)
    if user is not None:
        user.chosen_locale = locale
        session.add(user)


def set_activity_news(session: Session, user_id: int, wanted: bool) -> None:
    """Remember whether a user wants news about activities in their neighbourhood."""
    user = session.get(User, user_id)
    if user is not None:
        user.activity_news = wanted
        session.add(user)


def set_neighbourhood(session: Session, user_id: int, slug: str) -> str | None:
    """Remember where a user lives; the neighbourhood's name, or None for an unknown place or user."""
    place = session.get(Neighbourhood, slug)
    user = session.get(User, user_id)
    if place is None or user is None:
        return None
    user.neighbourhood_slug = place.slug
    session.add(user)
    return place.name
