"""A request's card in its group: posted again when the request is open again, closed when it is withdrawn."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from bot.services.notices import CardReopened, CardWithdrawn, tell
from bot.services.requests import card_chat, place_request, schedule_reminders
from bot.services.views import request_view
from db.models import HelpRequest


def post_card(session: Session, *, request: HelpRequest, now: datetime, settings: Settings) -> None:
    """Put a request (back) before the volunteers: its card asks again, or a first one is posted; timers armed."""
    chat_id = card_chat(session, request.id)
    if chat_id is None:
        place_request(session, request=request, now=now, settings=settings)
        return
    tell(session, CardReopened(chat_id=chat_id, request=request_view(session, request)))
    schedule_reminders(session, request=request, now=now, settings=settings)


def close_card(session: Session, *, request: HelpRequest, bare: bool) -> None:
    """The card says the request was withdrawn; `bare` leaves out even category and place."""
    chat_id = request.card_chat_id or card_chat(session, request.id)
    if chat_id is not None:
        tell(session, CardWithdrawn(chat_id=chat_id, request=request_view(session, request), bare=bare))
