"""Residents without Telegram hear the news by phone: every message meant for their (non-existent) chat
becomes a call-back item on the desk instead, with the text to pass on.

The rule sits where every notice ends up, the outbox: a row for an id in the phone-only range is never
sent, it is turned into an open `callback` item of the resident's municipality, in the same flush.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from sqlalchemy import event
from sqlmodel import Session, select

from bot.services.desk_residents import is_phone_only_id
from db.models import HelpRequest, InboxItem, Neighbourhood, Outbox, RequestStatus, User

CALL_BACK = "callback"
_TAG = re.compile(r"<[^>]+>")
TEXT_LIMIT = 1000


def plain_text(html: str) -> str:
    """A Telegram HTML text as it is read out on the phone: no tags, no entities."""
    return unescape(_TAG.sub("", html)).strip()[:TEXT_LIMIT]


def _latest_request_id(session: Session, resident_id: int) -> int | None:
    query = select(HelpRequest.id).where(HelpRequest.resident_id == resident_id)
    open_first = query.where(
        HelpRequest.status.in_((RequestStatus.OPEN, RequestStatus.CLAIMED, RequestStatus.ESCALATED))
    )
    return (
        session.exec(open_first.order_by(HelpRequest.id.desc())).first()
        or session.exec(query.order_by(HelpRequest.id.desc())).first()
    )


def _call_back_for(session: Session, row: Outbox) -> InboxItem | None:
    text = plain_text(str(row.params.get("text") or row.params.get("caption") or ""))
    resident = session.get(User, row.chat_id)
    if not text or resident is None or resident.forgotten_at is not None:
        return None
    place = session.get(Neighbourhood, resident.neighbourhood_slug) if resident.neighbourhood_slug else None
    return InboxItem(
        kind=CALL_BACK,
        municipality_slug=place.municipality_slug if place else None,
        user_id=resident.id,
        request_id=_latest_request_id(session, resident.id),
        details={"part": resident.call_part or "any", "notice": text},
        created_at=row.created_at,
    )


def relay_phone_only_messages(session: Session, _flush_context: Any, _instances: Any) -> None:
    """Before a flush: outbox rows for phone-only residents become call-back items."""
    for row in [obj for obj in session.new if isinstance(obj, Outbox) and is_phone_only_id(obj.chat_id)]:
        session.expunge(row)
        item = _call_back_for(session, row)
        if item is not None:
            session.add(item)


def install_phone_only_relay() -> None:
    """Switch the relay on for every session of this process (the composition roots call it; idempotent)."""
    if not event.contains(Session, "before_flush", relay_phone_only_messages):
        event.listen(Session, "before_flush", relay_phone_only_messages)
