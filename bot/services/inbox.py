"""The coordinators' inbox: what volunteers cannot handle, most urgent first, with its actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from html import escape

from babel.dates import format_timedelta
from sqlalchemy import case, update
from sqlmodel import Session, select

from bot.config import Settings
from bot.i18n import N_, Translator, translator
from bot.render import request_card, summary
from bot.services.coordinators import coordinates, coordinator_of
from bot.services.lifecycle import lifecycle_keyboard
from bot.services.outbox import enqueue_card_edit, enqueue_message
from bot.services.people import may_help_in
from bot.services.requests import (
    ClaimOutcome,
    cancel_timers,
    contact_html,
    locale_of,
    resident_of,
    tell_resident_who_helps,
    try_claim,
)
from bot.services.timing import schedule_day_before_reminder
from db.models import (
    Category,
    HelpRequest,
    InboxItem,
    Neighbourhood,
    RequestStatus,
    User,
    Volunteer,
    VolunteerArea,
    VolunteerStatus,
)

OPEN, CLOSED, REFERRED = "open", "closed", "referred"
LIST_LIMIT = 10
# Lower comes first: a request nobody took, care, a resident waiting for a call, a message, a complaint.
URGENCY = {"escalation": 0, "zorgvraag": 1, "no_group": 1, "callback": 2, "voice": 3, "photo": 3, "feedback": 4}
KIND_LABELS = {
    "escalation": ("⏰", N_("Geen vrijwilliger gevonden")),
    "zorgvraag": ("🩺", N_("Zorgvraag")),
    "no_group": ("📥", N_("Vraag zonder groep")),
    "callback": ("📞", N_("Bel terug")),
    "voice": ("🎤", N_("Spraakbericht")),
    "photo": ("📷", N_("Foto")),
    "feedback": ("👎", N_("Klacht of opmerking")),
}
REFERRAL_ROUTES = {
    "wijkteam": N_("Wijkteam"),
    "wmo": N_("Wmo-loket"),
    "woonservice": N_("Woonservice"),
    "particulier": N_("Particuliere hulp"),
    "bedrijf": N_("Bedrijf"),
}


class InboxOutcome(StrEnum):
    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    CLOSED = "closed"
    NO_REQUEST = "no_request"
    TAKEN = "taken"
    NOT_VOLUNTEER = "not_volunteer"


def open_items(session: Session, *, coordinator_id: int, limit: int = LIST_LIMIT) -> list[InboxItem]:
    """Open items this coordinator may handle, most urgent first, then oldest first."""
    coordinator = coordinator_of(session, coordinator_id)
    if coordinator is None:
        return []
    urgency = case(URGENCY, value=InboxItem.kind, else_=len(URGENCY))
    query = select(InboxItem).where(InboxItem.status == OPEN)
    if coordinator.municipality_slug is not None:
        query = query.where(InboxItem.municipality_slug == coordinator.municipality_slug)
    return list(session.exec(query.order_by(urgency, InboxItem.created_at, InboxItem.id).limit(limit)))


def count_open(session: Session, *, coordinator_id: int) -> int:
    return len(open_items(session, coordinator_id=coordinator_id, limit=1000))


def item_for(session: Session, *, item_id: int, coordinator_id: int) -> InboxItem | None:
    """The item, if this coordinator may see it (checked on every button press)."""
    item = session.get(InboxItem, item_id)
    if item is None or not coordinates(session, coordinator_id, item.municipality_slug):
        return None
    return item


def age_text(created_at: datetime, now: datetime, _: Translator) -> str:
    """How long ago, in words: "2 uur geleden"."""
    age = now - created_at
    if age < timedelta(minutes=1):
        return _("zojuist")
    return format_timedelta(-age, add_direction=True, locale=_.locale)


def render_item(session: Session, item: InboxItem, now: datetime, _: Translator) -> str:
    """One inbox item as the coordinator sees it: what, how old, who, and any note."""
    emoji, label = KIND_LABELS.get(item.kind, ("📌", item.kind))
    lines = [f"{emoji} <b>{escape(_(label))}</b> #{item.id} · {escape(age_text(item.created_at, now, _))}"]
    request = session.get(HelpRequest, item.request_id) if item.request_id else None
    if request is not None:
        category = session.get(Category, request.category_slug)
        place = session.get(Neighbourhood, request.neighbourhood_slug)
        lines.append(summary(request, category, place, _))
    user = session.get(User, item.user_id) if item.user_id else None
    if user is not None:
        lines.append(contact_html(user, _))
    details = item.details or {}
    if details.get("day"):
        lines.append("📅 " + escape(str(details["day"])) + " " + escape(str(details.get("part", ""))))
    for key in ("reason", "text", "caption", "comment", "transcript"):
        if details.get(key):
            lines.append("💬 " + escape(str(details[key])))
    if item.note:
        lines.append("📝 " + escape(item.note))
    return "\n".join(lines)


def add_note(session: Session, *, item_id: int, coordinator_id: int, text: str, now: datetime) -> InboxOutcome:
    """Add a note to an item (kept with a time stamp)."""
    item = item_for(session, item_id=item_id, coordinator_id=coordinator_id)
    if item is None:
        return InboxOutcome.NOT_ALLOWED
    stamp = translator("nl").timestamp(now)
    item.note = "\n".join(part for part in (item.note, f"[{stamp}] {text.strip()[:1000]}") if part)
    session.add(item)
    session.commit()
    return InboxOutcome.DONE


def close_item(session: Session, *, item_id: int, coordinator_id: int, now: datetime) -> InboxOutcome:
    """Close an open item once."""
    if item_for(session, item_id=item_id, coordinator_id=coordinator_id) is None:
        return InboxOutcome.NOT_ALLOWED
    return _finish(session, item_id, CLOSED, now)


def _finish(session: Session, item_id: int, status: str, now: datetime, **details: str) -> InboxOutcome:
    result = session.exec(
        update(InboxItem).where(InboxItem.id == item_id, InboxItem.status == OPEN).values(status=status, closed_at=now)
    )
    if result.rowcount != 1:
        session.rollback()
        return InboxOutcome.CLOSED
    if details:
        item = session.get(InboxItem, item_id)
        session.refresh(item)
        item.details = {**(item.details or {}), **details}
        session.add(item)
    session.commit()
    return InboxOutcome.DONE


def refer_item(
    session: Session, *, item_id: int, coordinator_id: int, route: str, now: datetime, settings: Settings
) -> InboxOutcome:
    """Hand the item on (wijkteam, Wmo-loket, ...); its request is marked referred and the resident told."""
    item = item_for(session, item_id=item_id, coordinator_id=coordinator_id)
    if item is None or route not in REFERRAL_ROUTES:
        return InboxOutcome.NOT_ALLOWED
    if item.status != OPEN:
        return InboxOutcome.CLOSED
    if item.request_id is not None:
        result = session.exec(
            update(HelpRequest)
            .where(
                HelpRequest.id == item.request_id,
                HelpRequest.status.in_((RequestStatus.OPEN, RequestStatus.ESCALATED)),
            )
            .values(status=RequestStatus.REFERRED, closed_at=now)
        )
        if result.rowcount != 1:  # a volunteer took it, or it was closed: the resident hears nothing from us
            session.rollback()
            request = session.get(HelpRequest, item.request_id)
            return InboxOutcome.TAKEN if request.status == RequestStatus.CLAIMED else InboxOutcome.CLOSED
        cancel_timers(session, request_id=item.request_id, kinds=("bump", "escalate"), now=now)
    if item.user_id is not None:
        _ = locale_of(session.get(User, item.user_id), settings)
        text = _("Uw vraag is doorgegeven aan: {route}. Zij nemen contact met u op.").format(
            route=escape(_(REFERRAL_ROUTES[route]))
        )
        enqueue_message(session, chat_id=item.user_id, text="📨 " + text, now=now)
    return _finish(session, item_id, REFERRED, now, route=route)


def volunteers_for(session: Session, *, item_id: int, coordinator_id: int) -> list[User]:
    """Approved volunteers who may take the item's request (its neighbourhood or kern/wijk)."""
    item = item_for(session, item_id=item_id, coordinator_id=coordinator_id)
    request = session.get(HelpRequest, item.request_id) if item and item.request_id else None
    if request is None:
        return []
    place = session.get(Neighbourhood, request.neighbourhood_slug)
    query = (
        select(User)
        .join(Volunteer, Volunteer.user_id == User.id)
        .join(VolunteerArea, VolunteerArea.volunteer_id == Volunteer.user_id)
        .join(Neighbourhood, Neighbourhood.slug == VolunteerArea.neighbourhood_slug)
        .where(Volunteer.status == VolunteerStatus.APPROVED, Neighbourhood.municipality_slug == place.municipality_slug)
        .distinct()
        .order_by(User.first_name, User.id)
    )
    return [user for user in session.exec(query) if may_help_in(session, user.id, request.neighbourhood_slug)]


def assign_item(
    session: Session, *, item_id: int, coordinator_id: int, volunteer_id: int, now: datetime, settings: Settings
) -> InboxOutcome:
    """Give the item's request to a volunteer by hand: the same conditional claim; both are told."""
    item = item_for(session, item_id=item_id, coordinator_id=coordinator_id)
    if item is None:
        return InboxOutcome.NOT_ALLOWED
    if item.request_id is None:
        return InboxOutcome.NO_REQUEST
    if item.status != OPEN:
        return InboxOutcome.CLOSED
    # The claim and its notices are one transaction: if the item was closed meanwhile, nothing happens.
    outcome = try_claim(session, request_id=item.request_id, volunteer_id=volunteer_id, now=now)
    if outcome is not ClaimOutcome.CLAIMED:
        session.rollback()
        return {
            ClaimOutcome.TAKEN: InboxOutcome.TAKEN,
            ClaimOutcome.NOT_VOLUNTEER: InboxOutcome.NOT_VOLUNTEER,
        }.get(outcome, InboxOutcome.CLOSED)
    request = session.get(HelpRequest, item.request_id)
    session.refresh(request)
    category = session.get(Category, request.category_slug)
    place = session.get(Neighbourhood, request.neighbourhood_slug)
    volunteer = session.get(User, volunteer_id)
    resident = resident_of(session, request)
    _ = locale_of(volunteer, settings)
    lines = [
        "🤝 <b>" + _("Een coördinator vraagt u te helpen met deze vraag:") + "</b>",
        summary(request, category, place, _),
        _("Neem contact op met:") + " " + (contact_html(resident, _) if resident else _("(onbekend)")),
    ]
    enqueue_message(
        session,
        chat_id=volunteer_id,
        text="\n\n".join(lines),
        reply_markup=lifecycle_keyboard(request.id, _).to_dict(),
        now=now,
    )
    tell_resident_who_helps(session, request=request, volunteer=volunteer, now=now, settings=settings)
    if request.card_chat_id is not None:
        group_ = translator(settings.default_locale, settings.time_zone)
        text, markup = request_card(request, category, place, group_, helper_name=volunteer.first_name)
        enqueue_card_edit(
            session,
            request_id=request.id,
            chat_id=request.card_chat_id,
            text=text,
            reply_markup=markup.to_dict(),
            now=now,
        )
    cancel_timers(session, request_id=request.id, kinds=("bump", "escalate"), now=now)
    schedule_day_before_reminder(session, request_id=request.id, day=request.when_date, now=now, settings=settings)
    return _finish(session, item_id, CLOSED, now, assigned_to=str(volunteer_id))
