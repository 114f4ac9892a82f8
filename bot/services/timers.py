"""Database timers: bump an unclaimed request, then hand it to the coordinators. Each fires once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from bot.config import Settings
from bot.dates import local_now
from bot.services.access import coordinators_of
from bot.services.activities.reminders import remind_attendees
from bot.services.broadcasts import report_progress
from bot.services.erasure import retention
from bot.services.notices import (
    NoVolunteerFound,
    NoVolunteerYet,
    RequestBumped,
    forget_notices_since,
    pending_notices,
    tell,
)
from bot.services.places import groups_serving
from bot.services.providers import next_level
from bot.services.request_states import remind_volunteer
from bot.services.requests import open_inbox_item
from bot.services.surveys.sending import open_survey, remind_residents
from bot.services.views import contact_of, request_view
from bot.services.weekly import offer_expired
from db.models import HelpRequest, InboxKind, RequestStatus, Timer, TimerKind

BATCH = 100
RETRY_AFTER = timedelta(minutes=10)
log = logging.getLogger(__name__)


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
    """Fire every timer that is due, in the caller's transaction: each effect and its 'fired' mark go together."""
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
        told = len(pending_notices(session))
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
            forget_notices_since(session, told)
            session.refresh(timer)
            timer.due_at = now + RETRY_AFTER
            session.add(timer)
    return fired


def bump(session: Session, timer: Timer, now: datetime, settings: Settings) -> bool:
    """Remind the group once of a request nobody took; at night, wait for the morning."""
    request = session.get(HelpRequest, timer.ref_id)
    if request is None or request.status != RequestStatus.OPEN:
        return True
    if in_quiet_hours(now, settings):
        timer.due_at = end_of_quiet_hours(now, settings)
        return False
    for group in groups_serving(session, request.neighbourhood_slug)[:1]:
        tell(session, RequestBumped(chat_id=group.chat_id, request=request_view(session, request)))
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
    view = request_view(session, request)
    resident = contact_of(session, request.resident_id)
    open_inbox_item(
        session,
        kind=InboxKind.ESCALATION,
        municipality_slug=view.municipality_slug,
        user_id=request.resident_id,
        request_id=request.id,
        now=now,
    )
    tell(
        session,
        NoVolunteerFound(
            coordinator_ids=coordinators_of(session, view.municipality_slug),
            request=view,
            resident=resident,
            proposal=next_level(view.municipality_slug, view.category.slug, settings.data_dir),
        ),
    )
    if resident is not None:
        tell(session, NoVolunteerYet(resident_id=resident.user_id))
    return True


TIMER_KINDS: dict[str, Callable[[Session, Timer, datetime, Settings], bool]] = {
    TimerKind.BUMP: bump,
    TimerKind.ESCALATE: escalate,
    TimerKind.REMINDER: remind_volunteer,
    TimerKind.OFFER: offer_expired,
    TimerKind.RETENTION: retention,
    TimerKind.ACTIVITY_REMINDER: remind_attendees,
    TimerKind.BROADCAST_PROGRESS: report_progress,
    TimerKind.SURVEY_START: open_survey,
    TimerKind.SURVEY_REMINDER: remind_residents,
}
