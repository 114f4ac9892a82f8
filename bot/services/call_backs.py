""" "Bel mij terug": a resident asks to be phoned; it lands in the coordinators' inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from bot.config import Settings
from bot.dates import local_now
from bot.services.access import coordinators_of
from bot.services.notices import CallBackRequested, tell
from bot.services.requests import MAX_DETAILS, open_inbox_item
from bot.services.views import contact_view
from db.models import InboxItem, InboxKind, InboxStatus, Neighbourhood, User

# The last hour a call in this part of the day can happen.
PARTS_OF_DAY = {"morning": 12, "afternoon": 17, "any": 17}


def call_day(now_utc: datetime, part: str, settings: Settings) -> date:
    """The first working day on which a call in `part` of the day can still happen."""
    local = local_now(now_utc, settings.time_zone)
    last_hour = PARTS_OF_DAY[part]
    day = local.date() if local.hour < last_hour - 2 else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class CallBack:
    """When the call will be, and whether it joined a call-back that was already waiting."""

    day: date
    joined: bool


def request_call_back(
    session: Session,
    *,
    user_id: int,
    phone: str | None,
    part: str,
    now: datetime,
    settings: Settings,
    reason: str = "",
) -> CallBack:
    """Store the call-back in the inbox and tell the coordinators; a second one joins the one still open."""
    user = session.get(User, user_id)
    if phone:
        user.phone = phone
        session.add(user)
    place = session.get(Neighbourhood, user.neighbourhood_slug) if user.neighbourhood_slug else None
    municipality = place.municipality_slug if place else None
    day = call_day(now, part, settings)
    # The resident's own words, as much as a request keeps (a message holds 4,096 characters).
    reason = reason.strip()[:MAX_DETAILS]
    item = _open_call_back(session, user_id)
    joined = item is not None
    if item is None:
        details = {"part": part, "day": day.isoformat(), "reason": reason}
        item = open_inbox_item(
            session, kind=InboxKind.CALLBACK, municipality_slug=municipality, user_id=user.id, details=details, now=now
        )
    else:
        earlier = item.details.get("reason", "")
        words = "\n".join(part for part in (earlier, reason) if part and part not in earlier)[:MAX_DETAILS]
        item.details = {**item.details, "part": part, "day": day.isoformat(), "reason": words or earlier}
        session.add(item)
        if not reason or reason in earlier:
            return CallBack(day=day, joined=True)  # nothing new for the coordinators
        reason = words
    tell(
        session,
        CallBackRequested(
            coordinator_ids=coordinators_of(session, municipality),
            item_id=item.id,
            resident=contact_view(user),
            day=day,
            part=part,
            place_name=place.name if place else None,
            reason=reason,
        ),
    )
    return CallBack(day=day, joined=joined)


def _open_call_back(session: Session, user_id: int) -> InboxItem | None:
    """The call-back of this person that nobody handled yet."""
    query = select(InboxItem).where(
        InboxItem.user_id == user_id, InboxItem.kind == InboxKind.CALLBACK, InboxItem.status == InboxStatus.OPEN
    )
    return session.exec(query.order_by(InboxItem.id.desc())).first()
