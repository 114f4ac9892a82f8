"""Words of danger: the resident is answered at once by the front door; the coordinators hear it here, urgently."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from bot.services.access import coordinators_of
from bot.services.notices import DangerReported, tell
from bot.services.requests import MAX_DETAILS, open_inbox_item
from bot.services.views import contact_view
from db.models import InboxKind, Neighbourhood, User


def report_danger(session: Session, *, user_id: int, text: str, kinds: Sequence[str], now: datetime) -> int:
    """Put the message at the top of the coordinators' inbox and tell them now; the item's id.

    It goes to the coordinators of the resident's municipality (those of all municipalities when the place is
    unknown),
    never to a volunteer group, and it never becomes a help request.
    """
    user = session.get(User, user_id)
    place = session.get(Neighbourhood, user.neighbourhood_slug) if user and user.neighbourhood_slug else None
    municipality = place.municipality_slug if place else None
    words = text.strip()[:MAX_DETAILS]
    item = open_inbox_item(
        session,
        kind=InboxKind.DANGER,
        municipality_slug=municipality,
        user_id=user_id,
        details={"kinds": list(kinds), "text": words},
        now=now,
    )
    tell(
        session,
        DangerReported(
            coordinator_ids=coordinators_of(session, municipality),
            item_id=item.id,
            resident=contact_view(user),
            kinds=tuple(kinds),
            place_name=place.name if place else None,
            text=words,
        ),
    )
    return item.id
