""" "Bel mij terug": a resident asks to be phoned; it lands in the coordinators' inbox."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape

from sqlmodel import Session

from bot.config import Settings
from bot.dates import local_now
from bot.i18n import N_, Translator
from bot.services.requests import contact_html, message_coordinators, open_inbox_item
from db.models import InboxItem, Neighbourhood, User

PARTS_OF_DAY = {
    "morning": (N_("in de ochtend"), 12),
    "afternoon": (N_("in de middag"), 17),
    "any": (N_("de hele dag"), 17),
}


def call_day(now_utc: datetime, part: str, settings: Settings) -> date:
    """The first working day on which a call in `part` of the day can still happen."""
    local = local_now(now_utc, settings.time_zone)
    _label, last_hour = PARTS_OF_DAY[part]
    day = local.date() if local.hour < last_hour - 2 else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def request_call_back(
    session: Session,
    *,
    user: User,
    phone: str | None,
    part: str,
    now: datetime,
    settings: Settings,
    reason: str = "",
) -> tuple[InboxItem, date]:
    """Store the call-back in the inbox and tell the coordinators, in one transaction."""
    if phone:
        user.phone = phone
        session.add(user)
    place = session.get(Neighbourhood, user.neighbourhood_slug) if user.neighbourhood_slug else None
    municipality = place.municipality_slug if place else None
    day = call_day(now, part, settings)
    item = open_inbox_item(
        session,
        kind="callback",
        municipality_slug=municipality,
        user_id=user.id,
        # The resident's own words, as much as a request keeps (a message holds 4,096 characters).
        details={"part": part, "day": day.isoformat(), "reason": reason.strip()[:1000]},
        now=now,
    )

    def compose(_: Translator) -> str:
        lines = [
            "📞 <b>" + _("Bel terug") + f"</b> #{item.id}",
            contact_html(user, _),
            escape(_.day(day)) + " " + _(PARTS_OF_DAY[part][0]),
        ]
        if place:
            lines.append("📍 " + escape(place.name))
        if reason:
            lines.append("💬 " + escape(reason.strip()[:1000]))
        return "\n".join(lines)

    message_coordinators(
        session, municipality_slug=municipality, compose=compose, item=item, now=now, settings=settings
    )
    session.commit()
    return item, day
