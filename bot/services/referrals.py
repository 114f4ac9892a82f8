"""A coordinator sends an unclaimed request on, in PuntExtra's order of routes, or to an organisation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session

from bot.services.access import coordinates
from bot.services.notices import RouteChosen, tell
from bot.services.providers import Organisation
from db.models import HelpRequest, InboxItem, InboxStatus, Neighbourhood, RequestStatus, User

CALL_MARK = "📞 bellen ("  # in the open item's note once a coordinator chose to call
# PuntExtra's order when no volunteer comes: a woonservice project, a private provider, a company; or a call.
ROUTES = ("woonservice", "particulier", "bedrijf", "bellen")


def _municipality_if_coordinator(session: Session, request: HelpRequest | None, coordinator_id: int) -> str | None:
    """The request's municipality when `coordinator_id` coordinates it."""
    if request is None:
        return None
    place = session.get(Neighbourhood, request.neighbourhood_slug)
    return place.municipality_slug if coordinates(session, coordinator_id, place.municipality_slug) else None


def refer_request(session: Session, *, request_id: int, coordinator_id: int, route: str, now: datetime) -> bool:
    """Close an escalated request as referred along `route`; only its municipality's coordinators may."""
    request = session.get(HelpRequest, request_id)
    if route not in ROUTES or _municipality_if_coordinator(session, request, coordinator_id) is None:
        return False
    if route != "bellen":
        return _close_referred(session, request, f"{route} ({coordinator_id})", route, None, now)
    # The request stays escalated (the UPDATE only locks it), so its open item records the call: heard once.
    result = session.exec(
        update(HelpRequest)
        .where(HelpRequest.id == request_id, HelpRequest.status == RequestStatus.ESCALATED)
        .values(status=RequestStatus.ESCALATED)
    )
    if result.rowcount != 1:
        return False
    marked = session.exec(
        update(InboxItem)
        .where(InboxItem.request_id == request_id, InboxItem.status == InboxStatus.OPEN)
        .where(InboxItem.note.not_like(f"%{CALL_MARK}%"))
        .values(note=InboxItem.note + f"\n{CALL_MARK}{coordinator_id})")  # kept after earlier notes
    )
    if marked.rowcount == 0:
        return False
    _tell_resident(session, request, route, None)
    return True


def refer_to_organisation(
    session: Session, *, request_id: int, coordinator_id: int, organisation: Organisation, now: datetime
) -> bool:
    """Close an escalated request as referred to an organisation of its municipality (the sociale kaart)."""
    request = session.get(HelpRequest, request_id)
    municipality = _municipality_if_coordinator(session, request, coordinator_id)
    if municipality is None or municipality not in organisation.municipalities:
        return False
    note = f"{organisation.slug} ({coordinator_id})"
    return _close_referred(session, request, note, organisation.level, organisation, now)


def _close_referred(
    session: Session, request: HelpRequest, note: str, route: str, organisation: Organisation | None, now: datetime
) -> bool:
    """The escalated request and its open item referred, once; the resident hears where to."""
    result = session.exec(
        update(HelpRequest)
        .where(HelpRequest.id == request.id, HelpRequest.status == RequestStatus.ESCALATED)
        .values(status=RequestStatus.REFERRED, closed_at=now)
    )
    if result.rowcount != 1:
        return False
    session.exec(
        update(InboxItem)
        .where(InboxItem.request_id == request.id, InboxItem.status == InboxStatus.OPEN)
        .values(note=InboxItem.note + f"\n{note}", status=InboxStatus.REFERRED, closed_at=now)
    )
    _tell_resident(session, request, route, organisation)
    return True


def _tell_resident(session: Session, request: HelpRequest, route: str, organisation: Organisation | None) -> None:
    if request.resident_id is not None and session.get(User, request.resident_id) is not None:
        named = {"organisation": organisation.name, "phone": organisation.phone} if organisation else {}
        tell(session, RouteChosen(resident_id=request.resident_id, route=route, **named))
