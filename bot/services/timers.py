"""Database timers: bump an unclaimed request, then hand it to the coordinators. Each fires once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from html import escape

from sqlalchemy import update
from sqlmodel import Session, select
from telegram import InlineKeyboardMarkup

from bot.config import Settings
from bot.dates import local_now
from bot.flows.keyboards import button_rows
from bot.i18n import N_, Translator, translator
from bot.render import category_label, summary, when_text
from bot.services.activities import remind_attendees
from bot.services.broadcasts import report_progress
from bot.services.erasure import RETENTION_KIND, retention
from bot.services.lifecycle import offer_expired, remind_volunteer
from bot.services.outbox import enqueue_message
from bot.services.places import groups_serving
from bot.services.requests import contact_html, locale_of, message_coordinators, open_inbox_item, resident_of
from db.models import Category, HelpRequest, Neighbourhood, RequestStatus, Timer

BATCH = 100
RETRY_AFTER = timedelta(minutes=10)
log = logging.getLogger(__name__)
# PuntExtra's order when no volunteer comes: a woonservice project, a private provider, last a company.
PUNTEXTRA_ROUTES = {
    "woonservice": N_("Woonservice"),
    "particulier": N_("Particuliere hulp"),
    "bedrijf": N_("Bedrijf"),
    "bellen": N_("Bewoner bellen"),
}


def in_quiet_hours(now_utc: datetime, settings: Settings) -> bool:
    """Whether it is night where the residents live (no bumps then)."""
    start, end = settings.quiet_hours
    hour = local_now(now_utc, settings.time_zone).hour
    return hour >= start or hour < end


def end_of_quiet_hours(now_utc: datetime, settings: Settings) -> datetime:
    """The next morning at the end of the quiet hours, in UTC."""
    local = local_now(now_utc, settings.time_zone)
    day = local.date() if local.hour < settings.quiet_hours[1] else local.date() + timedelta(days=1)
    morning = datetime.combine(day, time(settings.quiet_hours[1]), tzinfo=settings.time_zone)
    return morning.astimezone(UTC)


def fire_due_timers(session: Session, *, now: datetime, settings: Settings) -> int:
    """Fire every timer that is due; each effect and its 'fired' mark commit together."""
    query = (
        select(Timer)
        .where(Timer.fired_at.is_(None), Timer.due_at <= now)
        .order_by(Timer.due_at)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    fired = 0
    for timer in session.exec(query).all():
        handler = TIMER_KINDS.get(timer.kind)
        try:
            # Each timer in its own savepoint: one that fails is undone and retried later; the others go on.
            with session.begin_nested():
                done = handler is None or handler(session, timer, now, settings)
                if done:
                    timer.fired_at = now
                session.add(timer)
            fired += done
        except Exception as error:
            log.warning("timer %s (%s) failed: %s; retried later", timer.id, timer.kind, type(error).__name__)
            session.refresh(timer)
            timer.due_at = now + RETRY_AFTER
            session.add(timer)
    session.commit()
    return fired


def bump(session: Session, timer: Timer, now: datetime, settings: Settings) -> bool:
    """Remind the group once of a request nobody took; at night, wait for the morning."""
    request = session.get(HelpRequest, timer.ref_id)
    if request is None or request.status != RequestStatus.OPEN:
        return True
    if in_quiet_hours(now, settings):
        timer.due_at = end_of_quiet_hours(now, settings)
        return False
    category = session.get(Category, request.category_slug)
    place = session.get(Neighbourhood, request.neighbourhood_slug)
    _ = translator(settings.default_locale, settings.time_zone)
    for group in groups_serving(session, place.slug)[:1]:
        text = "🔔 " + _("Deze vraag zoekt nog een helper: {category} in {place}, {when}.").format(
            category=escape(category_label(category, _)),
            place=escape(place.name),
            when=escape(when_text(request, _)),
        )
        markup = button_rows([("🙋 " + _("Ik help"), f"claim:{request.id}")])
        enqueue_message(session, chat_id=group.chat_id, text=text, reply_markup=markup.to_dict(), now=now)
    return True


def escalate(session: Session, timer: Timer, now: datetime, settings: Settings) -> bool:
    """Nobody claimed in time: the coordinators choose the next route, the resident hears what happens."""
    result = session.exec(
        update(HelpRequest)
        .where(HelpRequest.id == timer.ref_id, HelpRequest.status == RequestStatus.OPEN)
        .values(status=RequestStatus.ESCALATED, escalated_at=now)
    )
    if result.rowcount != 1:
        return True
    request = session.get(HelpRequest, timer.ref_id)
    category = session.get(Category, request.category_slug)
    place = session.get(Neighbourhood, request.neighbourhood_slug)
    resident = resident_of(session, request)
    open_inbox_item(
        session,
        kind="escalation",
        municipality_slug=place.municipality_slug,
        user_id=request.resident_id,
        request_id=request.id,
        now=now,
    )

    def compose(_: Translator) -> str:
        lines = [
            "⏰ <b>" + _("Geen vrijwilliger gevonden") + f"</b> #{request.id}",
            summary(request, category, place, _),
        ]
        if resident is not None:
            lines.append(contact_html(resident, _))
        lines.append(_("Wat is de volgende stap?"))
        return "\n".join(lines)

    def routes(_: Translator) -> InlineKeyboardMarkup:
        return button_rows([(_(label), f"px:{request.id}:{route}") for route, label in PUNTEXTRA_ROUTES.items()])

    message_coordinators(
        session,
        municipality_slug=place.municipality_slug,
        compose=compose,
        reply_markup=routes,
        now=now,
        settings=settings,
    )
    if resident is not None:
        _ = locale_of(resident, settings)
        text = _(
            "Er heeft zich nog geen vrijwilliger gemeld voor uw vraag. Een coördinator zoekt nu een andere oplossing."
        )
        enqueue_message(
            session, chat_id=resident.id, text="⏳ " + text + " " + _("Wij houden u op de hoogte."), now=now
        )
    return True


TIMER_KINDS: dict[str, Callable[[Session, Timer, datetime, Settings], bool]] = {
    "bump": bump,
    "escalate": escalate,
    "reminder": remind_volunteer,
    "offer": offer_expired,
    RETENTION_KIND: retention,
    "activity_reminder": remind_attendees,
    "broadcast_progress": report_progress,
}
