"""Voice messages and photos from residents go to the coordinators' inbox: a person listens and calls back."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from bot.services.outbox import enqueue, enqueue_message
from bot.services.people import coordinators_for
from bot.services.requests import contact_html, locale_of, open_inbox_item
from db.models import InboxItem, Neighbourhood, User

KIND_LABELS = {"voice": "🎤", "photo": "📷", "video": "🎬", "document": "📄", "audio": "🎧"}


def forward_to_inbox(
    session: Session, *, user: User, kind: str, chat_id: int, message_id: int, now: datetime, settings: Settings
) -> InboxItem:
    """Store an inbox item and copy the message to the coordinators, in one transaction."""
    place = session.get(Neighbourhood, user.neighbourhood_slug) if user.neighbourhood_slug else None
    municipality = place.municipality_slug if place else None
    item = open_inbox_item(
        session,
        kind=kind,
        municipality_slug=municipality,
        user_id=user.id,
        details={"chat_id": chat_id, "message_id": message_id},
        now=now,
    )
    for coordinator_id in coordinators_for(session, municipality):
        _ = locale_of(session.get(User, coordinator_id), settings)
        heading = KIND_LABELS.get(kind, "📎") + " <b>" + _("Bericht van een bewoner") + f"</b> #{item.id}"
        text = "\n".join([heading, contact_html(user, _), _("Bel of schrijf deze bewoner terug.")])
        enqueue_message(session, chat_id=coordinator_id, text=text, now=now, ref_kind="inbox", ref_id=item.id)
        enqueue(
            session,
            chat_id=coordinator_id,
            method="copyMessage",
            params={"from_chat_id": chat_id, "message_id": message_id},
            now=now,
        )
    session.commit()
    return item
