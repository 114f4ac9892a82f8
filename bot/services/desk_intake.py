"""A request taken by phone or at the desk: stored for a phone-only resident and posted to the
neighbourhood's group exactly like a request made in chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Session, select

from bot.config import Settings
from bot.dates import date_for_choice, local_today
from bot.matching import PlaceMatcher
from bot.services.desk_audit import record_action
from bot.services.desk_residents import phone_key, phone_only_resident
from bot.services.desk_roles import DeskIdentity, DeskPermission
from bot.services.places import Place
from bot.services.requests import create_request
from db.models import Category, Neighbourhood, User

CALL_PARTS = ("morning", "afternoon", "any")
WHEN_KINDS = ("today", "tomorrow", "week", "any", "date")
MIN_PHONE_DIGITS = 6


class IntakeOutcome(StrEnum):
    POSTED = "posted"  # in the group of the place
    TO_COORDINATORS = "to_coordinators"  # a zorgvraag, or a place without a group
    NOT_ALLOWED = "not_allowed"
    NO_CONSENT = "no_consent"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class Intake:
    """What the desk took down."""

    name: str
    phone: str
    neighbourhood_slug: str
    category_slug: str
    details: str
    when_kind: str
    when_date: date | None
    call_part: str
    consent: bool


@dataclass(frozen=True)
class IntakeResult:
    outcome: IntakeOutcome
    request_id: int | None = None
    place_name: str = ""


def places_for(session: Session, taker: DeskIdentity) -> list[Place]:
    """The kernen, wijken and buurten the taker may take requests for, by name."""
    query = select(Neighbourhood)
    if not taker.all_municipalities:
        query = query.where(Neighbourhood.municipality_slug == taker.municipality_slug)
    return [Place(n.slug, n.name, n.municipality_slug) for n in session.exec(query.order_by(Neighbourhood.name))]


def resolve_place(session: Session, *, taker: DeskIdentity, typed: str, places: PlaceMatcher) -> str:
    """The kern or wijk typed (a name from the suggestions, a slug, or what the place matcher reads in it) within
    the taker's municipality; "" when none fits."""
    allowed = places_for(session, taker)
    by_name = {place.name.lower(): place.slug for place in allowed}
    slugs = {place.slug for place in allowed}
    typed = typed.strip()
    if typed.lower() in by_name:
        return by_name[typed.lower()]
    if typed in slugs:
        return typed
    return next((slug for slug, _score in places.match(typed) if slug in slugs), "")


def _complete(session: Session, intake: Intake) -> bool:
    return (
        bool(intake.name.strip())
        and len(phone_key(intake.phone)) >= MIN_PHONE_DIGITS
        and bool(intake.details.strip())
        and session.get(Category, intake.category_slug) is not None
        and intake.call_part in CALL_PARTS
        and intake.when_kind in WHEN_KINDS
        and (intake.when_kind != "date" or intake.when_date is not None)
    )


def take_request(
    session: Session, *, taker: DeskIdentity, intake: Intake, now: datetime, settings: Settings
) -> IntakeResult:
    """Store the resident (by phone number) and the request, post its card, write the audit line."""
    place = session.get(Neighbourhood, intake.neighbourhood_slug)
    if not taker.may(DeskPermission.INTAKE) or place is None or not taker.covers(place.municipality_slug):
        return IntakeResult(IntakeOutcome.NOT_ALLOWED)
    if not intake.consent:
        return IntakeResult(IntakeOutcome.NO_CONSENT)
    if not _complete(session, intake):
        return IntakeResult(IntakeOutcome.INCOMPLETE)
    resident_id = phone_only_resident(
        session, name=intake.name, phone=intake.phone, neighbourhood_slug=place.slug, now=now
    )
    resident = session.get(User, resident_id)
    resident.call_part = intake.call_part
    session.add(resident)
    placement = create_request(
        session,
        resident_id=resident.id,
        category_slug=intake.category_slug,
        neighbourhood_slug=place.slug,
        when_kind=intake.when_kind,
        when_date=intake.when_date
        if intake.when_kind == "date"
        else date_for_choice(intake.when_kind, local_today(now, settings.time_zone)),
        details=intake.details,
        now=now,
        settings=settings,
    )
    record_action(
        session,
        user_id=taker.user_id,
        action="intake",
        now=now,
        municipality_slug=place.municipality_slug,
        target_kind="request",
        target_id=placement.request_id,
    )
    outcome = IntakeOutcome.POSTED if placement.to_group else IntakeOutcome.TO_COORDINATORS
    return IntakeResult(outcome, placement.request_id, placement.place_name)
