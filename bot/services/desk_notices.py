"""Residents without Telegram hear the news by phone: every notice meant for them (who helps, released, done,
referred) becomes a call-back item on the desk instead, with the text to pass on and their best time.

The composition root wraps the notice renderer with `with_call_backs_for_phone_only`: after the renderer wrote a
notice's outbox rows, a row for an id in the phone-only range is taken out (it could never be sent) and turned
into an open call-back item of the resident's municipality, in the same unit of work.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import unescape

from sqlmodel import Session, select

from bot.services.desk_residents import is_phone_only_id
from bot.services.notices import Notice
from bot.services.unit_of_work import NoticeRenderer
from db.models import HelpRequest, InboxItem, InboxKind, Neighbourhood, Outbox, RequestStatus, User

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
        kind=InboxKind.CALLBACK,
        municipality_slug=place.municipality_slug if place else None,
        user_id=resident.id,
        request_id=_latest_request_id(session, resident.id),
        details={"part": resident.call_part or "any", "notice": text},
        created_at=row.created_at,
    )


def relay_phone_only_messages(session: Session) -> None:
    """Outbox rows just written for phone-only residents become call-back items instead."""
    for row in [obj for obj in session.new if isinstance(obj, Outbox) and is_phone_only_id(obj.chat_id)]:
        session.expunge(row)
        item = _call_back_for(session, row)
        if item is not None:
            session.add(item)


def with_call_backs_for_phone_only(render: NoticeRenderer) -> NoticeRenderer:
    """The renderer, then its messages for residents without Telegram turned into call-backs on the desk."""

    def render_then_relay(session: Session, notices: Sequence[Notice]) -> None:
        render(session, notices)
        relay_phone_only_messages(session)

    return render_then_relay
