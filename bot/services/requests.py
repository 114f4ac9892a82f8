"""The life of a help request: asked, posted, claimed. Plain functions, no Telegram."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from html import escape
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, or_, select
from telegram import InlineKeyboardMarkup

from bot.config import Settings
from bot.i18n import Translator, resolve_locale, translator
from bot.render import request_card, summary
from bot.services.outbox import enqueue_message
from bot.services.people import coordinators_for, may_help_in
from bot.services.places import groups_serving
from bot.services.timing import arm_timer, hours_for, schedule_day_before_reminder
from db.models import Category, HelpRequest, InboxItem, Neighbourhood, RequestStatus, Timer, User

CLAIMABLE = (RequestStatus.OPEN, RequestStatus.ESCALATED)
NAME_LIMIT = 64  # Telegram's own limit for names; stored values could be longer only if forged


@dataclass(frozen=True)
class Placement:
    """Where a new request went: the volunteers' group(s) of a place, or the coordinators."""

    request: HelpRequest
    to_group: bool
    place_name: str


class ClaimOutcome(StrEnum):
    CLAIMED = "claimed"
    TAKEN = "taken"
    CLOSED = "closed"
    NOT_VOLUNTEER = "not_volunteer"
    NOT_FOUND = "not_found"


def locale_of(user: User | None, settings: Settings) -> Translator:
    """The translator for a user we write to outside of an update."""
    if user is None:
        return translator(settings.default_locale, settings.time_zone)
    return translator(
        resolve_locale(user.chosen_locale, user.telegram_locale, settings.default_locale), settings.time_zone
    )


def contact_html(user: User, _: Translator) -> str:
    """How to reach a user: a mention link, @username and phone where known."""
    name = (user.first_name or _("Bewoner"))[:NAME_LIMIT]
    parts = [f'<a href="tg://user?id={user.id}">{escape(name)}</a>']
    if user.username:
        parts.append("@" + escape(user.username[:NAME_LIMIT]))
    if user.phone:
        parts.append("📞 " + escape(user.phone[:NAME_LIMIT]))
    return " · ".join(parts)


def create_request(
    session: Session,
    *,
    resident: User,
    category_slug: str,
    neighbourhood_slug: str,
    when_kind: str,
    when_date: date | None,
    details: str,
    now: datetime,
    settings: Settings,
    on_behalf_name: str | None = None,
) -> Placement:
    """Store a request and, in the same transaction, queue its card (or the coordinators' message)."""
    category = session.get(Category, category_slug)
    place = session.get(Neighbourhood, neighbourhood_slug)
    if category is None or place is None:
        raise ValueError("unknown category or neighbourhood")
    request = HelpRequest(
        resident_id=resident.id,
        category_slug=category.slug,
        neighbourhood_slug=place.slug,
        when_kind=when_kind,
        when_date=when_date,
        details=details.strip()[:1000],
        created_at=now,
        # Only asked with the person's consent (the flow asks it before the name is kept).
        on_behalf_name=on_behalf_name.strip()[:100] if on_behalf_name else None,
        on_behalf_consent=bool(on_behalf_name),
    )
    session.add(request)
    session.flush()
    to_group = place_request(session, request=request, resident=resident, now=now, settings=settings)
    session.commit()
    session.refresh(request)
    return Placement(request=request, to_group=to_group, place_name=place.name)


def place_request(
    session: Session, *, request: HelpRequest, resident: User | None, now: datetime, settings: Settings
) -> bool:
    """Queue a first card in the group of the request's place and arm its timers; else tell the coordinators."""
    category = session.get(Category, request.category_slug)
    place = session.get(Neighbourhood, request.neighbourhood_slug)
    groups = groups_serving(session, place.slug) if category.for_volunteers else []
    if not groups:
        if resident is not None:
            notify_coordinators(session, request=request, resident=resident, now=now, settings=settings)
        return False
    text, markup = request_card(request, category, place, translator(settings.default_locale, settings.time_zone))
    enqueue_message(
        session,
        chat_id=groups[0].chat_id,
        text=text,
        reply_markup=markup.to_dict(),
        now=now,
        ref_kind="card",
        ref_id=request.id,
    )
    schedule_reminders(session, request=request, now=now, settings=settings)
    return True


def schedule_reminders(session: Session, *, request: HelpRequest, now: datetime, settings: Settings) -> None:
    """Timers for an unclaimed request: a bump in its group, later the coordinators (hours per category)."""
    hours = hours_for(request.category_slug, request.when_kind, settings)
    arm_timer(session, kind="bump", ref_id=request.id, due_at=now + timedelta(hours=hours.bump))
    arm_timer(session, kind="escalate", ref_id=request.id, due_at=now + timedelta(hours=hours.escalate))


def notify_coordinators(
    session: Session, *, request: HelpRequest, resident: User, now: datetime, settings: Settings
) -> None:
    """Queue a message about a request (a zorgvraag, or one without a group) to its coordinators."""
    category = session.get(Category, request.category_slug)
    place = session.get(Neighbourhood, request.neighbourhood_slug)
    item = open_inbox_item(
        session,
        kind="zorgvraag" if not category.for_volunteers else "no_group",
        municipality_slug=place.municipality_slug,
        user_id=resident.id,
        request_id=request.id,
        now=now,
    )

    def compose(_: Translator) -> str:
        heading = (
            _("Een vraag voor het wijkteam:")
            if not category.for_volunteers
            else _("Een vraag zonder groep van vrijwilligers:")
        )
        return "\n".join(
            [f"📥 <b>{heading}</b> #{request.id}", summary(request, category, place, _), contact_html(resident, _)]
        )

    message_coordinators(
        session, municipality_slug=place.municipality_slug, compose=compose, item=item, now=now, settings=settings
    )


def open_inbox_item(
    session: Session,
    *,
    kind: str,
    municipality_slug: str | None,
    user_id: int | None,
    now: datetime,
    request_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> InboxItem:
    """Store an open item in the coordinators' inbox; its id is known at once."""
    item = InboxItem(
        kind=kind,
        municipality_slug=municipality_slug,
        user_id=user_id,
        request_id=request_id,
        details=details or {},
        created_at=now,
    )
    session.add(item)
    session.flush()
    return item


def message_coordinators(
    session: Session,
    *,
    municipality_slug: str | None,
    compose: Callable[[Translator], str],
    now: datetime,
    settings: Settings,
    item: InboxItem | None = None,
    reply_markup: Callable[[Translator], InlineKeyboardMarkup] | None = None,
) -> None:
    """Queue a text to every coordinator of a municipality, each in their own language."""
    for coordinator_id in coordinators_for(session, municipality_slug):
        _ = locale_of(session.get(User, coordinator_id), settings)
        enqueue_message(
            session,
            chat_id=coordinator_id,
            text=compose(_),
            reply_markup=reply_markup(_).to_dict() if reply_markup else None,
            now=now,
            ref_kind="inbox" if item else None,
            ref_id=item.id if item else None,
        )


def claim_request(session: Session, *, request_id: int, volunteer_id: int, now: datetime) -> ClaimOutcome:
    """Give the request to this volunteer if nobody has it yet; the database decides races."""
    outcome = try_claim(session, request_id=request_id, volunteer_id=volunteer_id, now=now)
    session.commit()
    return outcome


def try_claim(session: Session, *, request_id: int, volunteer_id: int, now: datetime) -> ClaimOutcome:
    """The conditional claim UPDATE, in the caller's transaction (the caller commits or rolls back)."""
    request = session.get(HelpRequest, request_id)
    if request is None:
        return ClaimOutcome.NOT_FOUND
    if not may_help_in(session, volunteer_id, request.neighbourhood_slug):
        return ClaimOutcome.NOT_VOLUNTEER
    result = session.exec(
        update(HelpRequest)
        .where(HelpRequest.id == request_id, HelpRequest.status.in_(CLAIMABLE))
        # A weekly request is first offered to its usual helper only.
        .where(or_(HelpRequest.preferred_volunteer_id.is_(None), HelpRequest.preferred_volunteer_id == volunteer_id))
        .values(status=RequestStatus.CLAIMED, claimed_by=volunteer_id, claimed_at=now)
    )
    if result.rowcount == 1:
        return ClaimOutcome.CLAIMED
    session.refresh(request)
    return ClaimOutcome.TAKEN if request.status == RequestStatus.CLAIMED else ClaimOutcome.CLOSED


def undo_claim(session: Session, *, request_id: int, volunteer_id: int) -> bool:
    """Re-open a request this volunteer claimed (e.g. the bot cannot reach them privately)."""
    result = session.exec(
        update(HelpRequest)
        .where(
            HelpRequest.id == request_id,
            HelpRequest.claimed_by == volunteer_id,
            HelpRequest.status == RequestStatus.CLAIMED,
        )
        .values(status=RequestStatus.OPEN, claimed_by=None, claimed_at=None)
    )
    session.commit()
    return result.rowcount == 1


def confirm_claim(
    session: Session, *, request: HelpRequest, volunteer: User, now: datetime, settings: Settings
) -> bool:
    """After a claim reached the volunteer: tell the resident who helps, stop the reminders.

    Only while the volunteer still holds the request (a cancel may have come in between); the
    no-op UPDATE locks the row until commit, so a cancel waits for this and then tells the helper.
    """
    held = session.exec(
        update(HelpRequest)
        .where(
            HelpRequest.id == request.id,
            HelpRequest.claimed_by == volunteer.id,
            HelpRequest.status == RequestStatus.CLAIMED,
        )
        .values(claimed_by=volunteer.id)
    )
    if held.rowcount != 1:
        session.rollback()
        return False
    tell_resident_who_helps(session, request=request, volunteer=volunteer, now=now, settings=settings)
    cancel_timers(session, request_id=request.id, kinds=("bump", "escalate"), now=now)
    schedule_day_before_reminder(session, request_id=request.id, day=request.when_date, now=now, settings=settings)
    close_escalations(session, request_id=request.id, now=now)
    session.commit()
    return True


def close_escalations(session: Session, *, request_id: int, now: datetime) -> None:
    """A volunteer took the request: the coordinators' "no volunteer found" items are done."""
    session.exec(
        update(InboxItem)
        .where(InboxItem.request_id == request_id, InboxItem.kind == "escalation", InboxItem.status == "open")
        .values(status="closed", closed_at=now)
    )


def resident_of(session: Session, request: HelpRequest) -> User | None:
    """The resident who asked, or None when the request has none (any more)."""
    return session.get(User, request.resident_id) if request.resident_id else None


def tell_resident_who_helps(
    session: Session, *, request: HelpRequest, volunteer: User, now: datetime, settings: Settings
) -> None:
    """Queue the good news to the resident: this volunteer helps and will get in touch."""
    resident = resident_of(session, request)
    if resident is None:
        return
    _ = locale_of(resident, settings)
    text = _("Goed nieuws! {name} helpt u met uw vraag. {name} neemt contact met u op.").format(
        name=escape(volunteer.first_name or _("Een vrijwilliger"))
    )
    enqueue_message(session, chat_id=resident.id, text="🤝 " + text, now=now)


def cancel_timers(session: Session, *, request_id: int, kinds: tuple[str, ...], now: datetime) -> None:
    """Mark pending timers of a request as done so they never fire."""
    session.exec(
        update(Timer)
        .where(Timer.ref_id == request_id, Timer.kind.in_(kinds), Timer.fired_at.is_(None))
        .values(fired_at=now)
    )


def open_requests_of(session: Session, resident_id: int) -> list[HelpRequest]:
    """A resident's requests that are not finished yet, newest first."""
    query = select(HelpRequest).where(
        HelpRequest.resident_id == resident_id,
        HelpRequest.status.in_((RequestStatus.OPEN, RequestStatus.CLAIMED, RequestStatus.ESCALATED)),
    )
    return list(session.exec(query.order_by(HelpRequest.id.desc())))
