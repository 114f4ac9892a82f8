"""Plain snapshots of rows (requests, categories, people) that may leave the session that read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.services.catalogue import CategoryView, category_of, place_of_slug
from db.models import HelpRequest, User


@dataclass(frozen=True)
class RequestView:
    """A help request with its category and place, as plain values."""

    id: int
    category: CategoryView
    place_slug: str
    place_name: str
    municipality_slug: str
    when_kind: str
    when_date: date | None
    details: str
    status: str = ""
    resident_id: int | None = None
    claimed_by: int | None = None
    on_behalf_name: str | None = None
    repeat_weekly: bool = False
    card_chat_id: int | None = None
    card_message_id: int | None = None


@dataclass(frozen=True)
class ContactView:
    """How to reach a person: name, username and phone where known."""

    user_id: int
    first_name: str = ""
    username: str | None = None
    phone: str | None = None


def request_view(session: Session, request: HelpRequest) -> RequestView:
    """A request row (with its category and place) as plain values."""
    category = category_of(session, request.category_slug)
    place = place_of_slug(session, request.neighbourhood_slug)
    return RequestView(
        id=request.id or 0,
        category=category,
        place_slug=place.slug,
        place_name=place.name,
        municipality_slug=place.municipality_slug,
        when_kind=request.when_kind,
        when_date=request.when_date,
        details=request.details,
        status=request.status,
        resident_id=request.resident_id,
        claimed_by=request.claimed_by,
        on_behalf_name=request.on_behalf_name,
        repeat_weekly=request.repeat_weekly,
        card_chat_id=request.card_chat_id,
        card_message_id=request.card_message_id,
    )


def contact_view(user: User) -> ContactView:
    """A user row as a contact."""
    return ContactView(user_id=user.id, first_name=user.first_name, username=user.username, phone=user.phone)


def contact_of(session: Session, user_id: int | None) -> ContactView | None:
    """The contact of a user, or None when there is no such user (any more)."""
    user = session.get(User, user_id) if user_id is not None else None
    return contact_view(user) if user is not None else None


@dataclass(frozen=True)
class OfferView:
    """What a volunteer offers: categories, places, times."""

    volunteer_id: int
    status: str
    categories: tuple[CategoryView, ...]
    category_slugs: tuple[str, ...]
    place_names: tuple[str, ...]
    area_slugs: tuple[str, ...]
    availability: tuple[str, ...]
    reintegration: bool


@dataclass(frozen=True)
class ActivityView:
    """An activity as its announcement needs it."""

    id: int
    municipality_slug: str
    title: str
    description: str
    starts_at: datetime | None
    place: str
    area_names: str
    neighbourhoods: tuple[str, ...]
    capacity: int
    cost_cents: int | None
    status: str
    seats_taken: int = 0
