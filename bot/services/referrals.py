"""A coordinator sends an unclaimed request on, in PuntExtra's order of routes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session

from bot.config import Settings
from bot.i18n import N_
from bot.services.outbox import enqueue_message
from bot.services.people import is_coordinator
from bot.services.requests import locale_of, resident_of
from db.models import HelpRequest, InboxItem, Neighbourhood, RequestStatus

CALL_MARK = "📞 bellen ("  # in the open item's note once a coordinator chose to call
RESIDENT_NEWS = {
    "woonservice": N_("Een woonserviceproject in uw buurt gaat u helpen. Zij nemen contact met u op."),
    "particulier": N_("Wij zoeken een particuliere hulp voor u. Wij nemen contact met u op."),
    "bedrijf": N_("Wij zoeken een bedrijf dat u kan helpen. Wij nemen contact met u op."),
    "bellen": N_("Een coördinator belt u snel. Dan praat u samen over uw vraag."),
}


def refer_request(
    session: Session, *, request_id: int, coordinator_id: int, route: str, now: datetime, settings: Settings
) -> bool:
    """Close an escalated request as referred along `route`; only its municipality's coordinators may."""
    request = session.get(HelpRequest, request_id)
    if request is None or route not in RESIDENT_NEWS:
        return False
    place = session.get(Neighbourhood, request.neighbourhood_slug)
    if not is_coordinator(session, coordinator_id, place.municipality_slug):
        return False
    new_status = RequestStatus.ESCALATED if route == "bellen" else RequestStatus.REFERRED
    result = session.exec(
        update(HelpRequest)
        .where(HelpRequest.id == request_id, HelpRequest.status == RequestStatus.ESCALATED)
        .values(status=new_status, closed_at=None if route == "bellen" else now)
    )
    if result.rowcount != 1:
        return False
    items = update(InboxItem).where(InboxItem.request_id == request_id, InboxItem.status == "open")
    if route == "bellen":
        # The request stays escalated, so its open item records the call: the resident hears it once.
        marked = session.exec(
            items.where(InboxItem.note.not_like(f"%{CALL_MARK}%")).values(
                note=InboxItem.note + f"\n{CALL_MARK}{coordinator_id})"  # kept after earlier notes
            )
        )
        if marked.rowcount == 0:
            session.rollback()
            return False
    else:
        session.exec(
            items.values(note=InboxItem.note + f"\n{route} ({coordinator_id})", status="referred", closed_at=now)
        )
    resident = resident_of(session, request)
    if resident is not None:
        _ = locale_of(resident, settings)
        enqueue_message(session, chat_id=resident.id, text="ℹ️ " + _(RESIDENT_NEWS[route]), now=now)
    session.commit()
    return True
