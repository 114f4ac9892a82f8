"""Voice messages and photos from residents go to the coordinators' inbox: a person listens and calls back."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.services.access import coordinators_of
from bot.services.notices import MediaReceived, tell
from bot.services.requests import MAX_DETAILS, open_inbox_item
from bot.services.views import contact_view
from db.models import InboxKind, Neighbourhood, User


def forward_to_inbox(
    session: Session,
    *,
    user_id: int,
    kind: InboxKind,
    chat_id: int,
    message_id: int,
    now: datetime,
    caption: str = "",
    file_id: str = "",
    mime_type: str = "",
) -> int:
    """Store an inbox item (the caption, and Telegram's file id for the desk) and copy the message to the
    coordinators; the item's id."""
    caption = caption.strip()[:MAX_DETAILS]
    user = session.get(User, user_id)
    place = session.get(Neighbourhood, user.neighbourhood_slug) if user.neighbourhood_slug else None
    municipality = place.municipality_slug if place else None
    item = open_inbox_item(
        session,
        kind=kind,
        municipality_slug=municipality,
        user_id=user.id,
        details={
            "chat_id": chat_id,
            "message_id": message_id,
            "caption": caption,
            "file_id": file_id,
            "mime_type": mime_type,
        },
        now=now,
    )
    tell(
        session,
        MediaReceived(
            coordinator_ids=coordinators_of(session, municipality),
            item_id=item.id,
            media=kind,
            resident=contact_view(user),
            chat_id=chat_id,
            message_id=message_id,
            caption=caption,
        ),
    )
    return item.id
