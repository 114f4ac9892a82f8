"""The coordinators' inbox: what volunteers cannot handle, most urgent first, with its actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import case, update
from sqlmodel import Session, select

from bot.config import Settings
from bot.i18n import translator
from bot.services.access import coordinates, scope_of, volunteers_in
from bot.services.notices import AssignedByCoordinator, CardTaken, RequestReferred, tell
from bot.services.requests import (
    ClaimOutcome,
    cancel_timers,
    helper_name_of,
    tell_resident_who_helps,
    try_claim,
)
from bot.services.timing import schedule_day_before_reminder
from bot.services.views import ContactView, RequestView, contact_of, request_view
from db.models import (
    HelpRequest,
    InboxItem,
    InboxKind,
    InboxStatus,
    Neighbourhood,
    RequestStatus,
    TimerKind,
    User,
    Volunteer,
    VolunteerArea,
    VolunteerStatus,
)

LIST_LIMIT = 10
VOLUNTEERS_SHOWN = 10
# Lower comes first: danger, a request nobody took, care, a resident waiting for a call, a message, a complaint.
URGENCY = {
    InboxKind.DANGER: 0,
    InboxKind.ESCALATION: 1,
    InboxKind.ZORGVRAAG: 2,
    InboxKind.NO_GROUP: 2,
    InboxKind.CALLBACK: 3,
    InboxKind.VOICE: 4,
    InboxKind.PHOTO: 4,
    InboxKind.VIDEO: 4,
    InboxKind.AUDIO: 4,
    InboxKind.DOCUMENT: 4,
    InboxKind.FEEDBACK: 5,
}
REFERRAL_ROUTES = ("wijkteam", "wmo", "woonservice", "particulier", "bedrijf")


class InboxOutcome(StrEnum):
    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    CLOSED = "closed"
    NO_REQUEST = "no_request"
    TAKEN = "taken"
    NOT_VOLUNTEER = "not_volunteer"


@dataclass(frozen=True)
class ItemView:
    """One inbox item as the coordinator sees it: what, when, about which request and whom."""

    id: int
    kind: str
    status: str
    created_at: datetime
    request: RequestView | None
    person: ContactView | None
    details: dict[str, Any]
    note: str
    place_name: str | None = None  # where the person lives, when no request says it


def _item_view(session: Session, item: InboxItem) -> ItemView:
    request = session.get(HelpRequest, item.request_id) if item.request_id else None
    user = session.get(User, item.user_id) if item.user_id is not None and request is None else None
    place = session.get(Neighbourhood, user.neighbourhood_slug) if user and user.neighbourhood_slug else None
    return ItemView(
        id=item.id,
        kind=item.kind,
        status=item.status,
        created_at=item.created_at,
        request=request_view(session, request) if request is not None else None,
        person=contact_of(session, item.user_id),
        details=dict(item.details or {}),
        note=item.note,
        place_name=place.name if place else None,
    )


def open_items(session: Session, *, coordinator_id: int, limit: int = LIST_LIMIT) -> list[ItemView]:
    """Open items this coordinator may handle, most urgent first, then oldest first."""
    scope = scope_of(session, coordinator_id)
    if scope is None:
        return []
    urgency = case(URGENCY, value=InboxItem.kind, else_=len(URGENCY))
    query = select(InboxItem).where(InboxItem.status == InboxStatus.OPEN)
    if not scope.is_all:
        query = query.where(InboxItem.municipality_slug == scope.municipality_slug)
    items = session.exec(query.order_by(urgency, InboxItem.created_at, InboxItem.id).limit(limit))
    return [_item_view(session, item) for item in items]


def _item_for(session: Session, *, item_id: int, coordinator_id: int) -> InboxItem | None:
    """The item, if this coordinator may see it (checked on every button press)."""
    item = session.get(InboxItem, item_id)
    if item is None or not coordinates(session, coordinator_id, item.municipality_slug):
        return None
    return item


def item_for(session: Session, *, item_id: int, coordinator_id: int) -> ItemView | None:
    """The item as this coordinator may see it, or None."""
    item = _item_for(session, item_id=item_id, coordinator_id=coordinator_id)
    return _item_view(session, item) if item is not None else None


def add_note(session: Session, *, item_id: int, coordinator_id: int, text: str, now: datetime) -> InboxOutcome:
    """Add a note to an item (kept with a time stamp)."""
    item = _item_for(session, item_id=item_id, coordinator_id=coordinator_id)
    if item is None:
        return InboxOutcome.NOT_ALLOWED
    stamp = translator("nl").timestamp(now)
    item.note = "\n".join(part for part in (item.note, f"[{stamp}] {text.strip()[:1000]}") if part)
    session.add(item)
    return InboxOutcome.DONE


def close_item(session: Session, *, item_id: int, coordinator_id: int, now: datetime) -> InboxOutcome:
    """Close an open item once."""
    if _item_for(session, item_id=item_id, coordinator_id=coordinator_id) is None:
        return InboxOutcome.NOT_ALLOWED
    return _finish(session, item_id, InboxStatus.CLOSED, now)


def _finish(session: Session, item_id: int, status: InboxStatus, now: datetime, **details: str) -> InboxOutcome:
    result = session.exec(
        update(InboxItem)
        .where(InboxItem.id == item_id, InboxItem.status == InboxStatus.OPEN)
        .values(status=status, closed_at=now)
    )
    if result.rowcount != 1:
        return InboxOutcome.CLOSED
    if details:
        item = session.get(InboxItem, item_id)
        session.refresh(item)
        item.details = {**(item.details or {}), **details}
        session.add(item)
    return InboxOutcome.DONE


def refer_item(session: Session, *, item_id: int, coordinator_id: int, route: str, now: datetime) -> InboxOutcome:
    """Hand the item on (wijkteam, Wmo-loket, ...); its request is marked referred and the resident told."""
    item = _item_for(session, item_id=item_id, coordinator_id=coordinator_id)
    if item is None or route not in REFERRAL_ROUTES:
        return InboxOutcome.NOT_ALLOWED
    if item.status != InboxStatus.OPEN:
        return InboxOutcome.CLOSED
    # The request and the item change together, or neither does (the item may be closed meanwhile).
    savepoint = session.begin_nested()
    if item.request_id is not None:
        result = session.exec(
            update(HelpRequest)
            .where(
                HelpRequest.id == item.request_id,
                HelpRequest.status.in_((RequestStatus.OPEN, RequestStatus.ESCALATED)),
            )
            .values(status=RequestStatus.REFERRED, closed_at=now)
        )
        if result.rowcount != 1:  # a volunteer took it, or it was closed: the resident hears nothing from us
            savepoint.rollback()
            request = session.get(HelpRequest, item.request_id)
            session.refresh(request)
            return InboxOutcome.TAKEN if request.status == RequestStatus.CLAIMED else InboxOutcome.CLOSED
        cancel_timers(session, request_id=item.request_id, kinds=(TimerKind.BUMP, TimerKind.ESCALATE), now=now)
    finished = _finish(session, item_id, InboxStatus.REFERRED, now, route=route)
    if finished is not InboxOutcome.DONE:
        savepoint.rollback()
        return finished
    savepoint.commit()
    if item.user_id is not None:
        tell(session, RequestReferred(resident_id=item.user_id, route=route))
    return finished


def volunteers_for(session: Session, *, item_id: int, coordinator_id: int) -> list[ContactView]:
    """Approved volunteers who may take the item's request (its neighbourhood or kern/wijk)."""
    item = _item_for(session, item_id=item_id, coordinator_id=coordinator_id)
    request = session.get(HelpRequest, item.request_id) if item and item.request_id else None
    if request is None:
        return []
    place = session.get(Neighbourhood, request.neighbourhood_slug)
    query = (
        select(User)
        .join(Volunteer, Volunteer.user_id == User.id)
        .join(VolunteerArea, VolunteerArea.volunteer_id == Volunteer.user_id)
        .join(Neighbourhood, Neighbourhood.slug == VolunteerArea.neighbourhood_slug)
        .where(Volunteer.status == VolunteerStatus.APPROVED, Neighbourhood.municipality_slug == place.municipality_slug)
        .distinct()
        .order_by(User.first_name, User.id)
    )
    return [
        ContactView(user_id=user.id, first_name=user.first_name)
        for user in session.exec(query)
        if volunteers_in(session, user.id, request.neighbourhood_slug)
    ][:VOLUNTEERS_SHOWN]


def assign_item(
    session: Session, *, item_id: int, coordinator_id: int, volunteer_id: int, now: datetime, settings: Settings
) -> InboxOutcome:
    """Give the item's request to a volunteer by hand: the same conditional claim; both are told."""
    item = _item_for(session, item_id=item_id, coordinator_id=coordinator_id)
    if item is None:
        return InboxOutcome.NOT_ALLOWED
    if item.request_id is None:
        return InboxOutcome.NO_REQUEST
    if item.status != InboxStatus.OPEN:
        return InboxOutcome.CLOSED
    # The claim and the item change together: if the item was closed meanwhile, nothing happens.
    savepoint = session.begin_nested()
    outcome = try_claim(session, request_id=item.request_id, volunteer_id=volunteer_id, now=now)
    if outcome is not ClaimOutcome.CLAIMED:
        savepoint.rollback()
        refused = {ClaimOutcome.TAKEN: InboxOutcome.TAKEN, ClaimOutcome.NOT_VOLUNTEER: InboxOutcome.NOT_VOLUNTEER}
        return refused.get(outcome, InboxOutcome.CLOSED)
    finished = _finish(session, item_id, InboxStatus.CLOSED, now, assigned_to=str(volunteer_id))
    if finished is not InboxOutcome.DONE:
        savepoint.rollback()
        return finished
    savepoint.commit()
    request = session.get(HelpRequest, item.request_id)
    session.refresh(request)
    view = request_view(session, request)
    helper_name = helper_name_of(session, volunteer_id)
    tell(
        session,
        AssignedByCoordinator(
            volunteer_id=volunteer_id, request=view, resident=contact_of(session, request.resident_id)
        ),
    )
    tell_resident_who_helps(session, request=request, helper_name=helper_name)
    if request.card_chat_id is not None:
        tell(session, CardTaken(chat_id=request.card_chat_id, request=view, helper_name=helper_name))
    cancel_timers(session, request_id=request.id, kinds=(TimerKind.BUMP, TimerKind.ESCALATE), now=now)
    schedule_day_before_reminder(session, request_id=request.id, day=request.when_date, now=now, settings=settings)
    return finished
