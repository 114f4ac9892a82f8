"""A coordinator sends an unclaimed request on, in PuntExtra's order of routes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session

from bot.services.access import coordinates
from bot.services.notices import RouteChosen, tell
from db.models import HelpRequest, InboxItem, InboxStatus, Neighbourhood, RequestStatus, User

CALL_MARK = "📞 bellen ("  # in the open item's note once a coordinator chose to call
# PuntExtra's order when no volunteer comes: a woonservice project, a private provider, a company; or a call.
ROUTES = ("woonservice", "particulier", "bedrijf", "bellen")


def refer_request(session: Session, *, request_id: int, coordinator_id: int, route: str, now: datetime) -> bool:
    """Close an escalated request as referred along `route`; only its municipality's coordinators may."""
    request = session.get(HelpRequest, request_id)
    if request is None or route not in ROUTES:
        return False
    place = session.get(Neighbourhood, request.neighbourhood_slug)
    if not coordinates(session, coordinator_id, place.municipality_slug):
        return False
    new_status = RequestStatus.ESCALATED if route == "bellen" else RequestStatus.REFERRED
    result = session.exec(
        update(HelpRequest)
        .where(HelpRequest.id == request_id, HelpRequest.status == RequestStatus.ESCALATED)
        .values(status=new_status, closed_at=None if route == "bellen" else now)
    )
    if result.rowcount != 1:
        return False
    items = update(InboxItem).where(InboxItem.request_id == request_id, InboxItem.status == InboxStatus.OPEN)
    if route == "bellen":
        # The request stays escalated (the UPDATE above only locked it), so its open item records the call:
        # the resident hears it once.
        marked = session.exec(
            items.where(InboxItem.note.not_like(f"%{CALL_MARK}%")).values(
                note=InboxItem.note + f"\n{CALL_MARK}{coordinator_id})"  # kept after earlier notes
            )
        )
        if marked.rowcount == 0:
            return False
    else:
        session.exec(
            items.values(
                note=InboxItem.note + f"\n{route} ({coordinator_id})", status=InboxStatus.REFERRED, closed_at=now
            )
        )
    if request.resident_id is not None and session.get(User, request.resident_id) is not None:
        tell(session, RouteChosen(resident_id=request.resident_id, route=route))
    return True
