"""Privacy (AVG): forget a user on request, and anonymise closed requests after the retention period.

What stays is what statistics need: category, neighbourhood, dates and status of a request. What goes is
everything that points to a person: names, usernames, phone numbers, the resident's own words, and the
link between a request and its resident.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import delete, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.config import Settings
from bot.dates import local_now
from bot.services.limits import forget_counts
from bot.services.outbox import blank_done, purge_done
from bot.services.request_states import release_all_held, withdraw_request
from db.models import (
    HelpRequest,
    InboxItem,
    InboxStatus,
    Organiser,
    Outbox,
    ProcessedUpdate,
    RequestStatus,
    SurveyInvite,
    Timer,
    TimerKind,
    User,
    Volunteer,
    VolunteerArea,
    VolunteerStatus,
)

OPEN_STATUSES = (RequestStatus.OPEN, RequestStatus.CLAIMED, RequestStatus.ESCALATED)
CLOSED_STATUSES = (RequestStatus.DONE, RequestStatus.CANCELLED, RequestStatus.REFERRED)
RETENTION_KIND = TimerKind.RETENTION
RETENTION_HOUR = 3  # local time: the quietest moment of the night
RETENTION_BATCH = 500
OUTBOX_DAYS = 30  # sent messages are kept this long (for questions about delivery), then deleted
PROCESSED_UPDATE_DAYS = 2  # Telegram redelivers an update for at most a day


def forget_user(session: Session, *, user_id: int, now: datetime, settings: Settings) -> int:
    """Erase a user's personal data at once; cancel and redact their open requests. Returns how many."""
    user = session.get(User, user_id)
    if user is None:
        return 0
    cancelled = 0
    mine = select(HelpRequest.id).where(HelpRequest.resident_id == user_id)
    inbox = select(InboxItem.id).where(InboxItem.user_id == user_id)
    # Sent messages about them, or to them, lose their text (names, phone numbers, their own words).
    blank_done(
        session,
        or_(
            Outbox.chat_id == user_id,
            (Outbox.ref_kind == "card") & Outbox.ref_id.in_(mine),
            (Outbox.ref_kind == "inbox") & Outbox.ref_id.in_(inbox),
            (Outbox.ref_kind == "volunteer") & (Outbox.ref_id == user_id),
        ),
    )
    for request_id in session.exec(mine.where(HelpRequest.status.in_(OPEN_STATUSES))).all():
        cancelled += withdraw_request(session, request_id=request_id, resident_id=user_id, now=now, forgotten=True)
    session.exec(
        update(HelpRequest)
        .where(HelpRequest.resident_id == user_id)
        .values(details="", on_behalf_name=None, resident_id=None, anonymised_at=now)
    )
    # What they still hold as a helper goes back to the group, the normal way.
    release_all_held(session, volunteer_id=user_id, now=now, settings=settings)
    # As a helper they stay counted, but no longer by name.
    session.exec(
        update(HelpRequest)
        .where(HelpRequest.claimed_by == user_id, HelpRequest.status.in_(CLOSED_STATUSES))
        .values(claimed_by=None)
    )
    for item in session.exec(select(InboxItem).where(InboxItem.user_id == user_id)).all():
        item.details, item.note, item.user_id = {}, "", None
        if item.status == InboxStatus.OPEN:
            item.status, item.closed_at = InboxStatus.CLOSED, now
        session.add(item)
    volunteer = session.get(Volunteer, user_id)
    if volunteer is not None:
        volunteer.status = VolunteerStatus.STOPPED
        volunteer.categories, volunteer.availability = [], []
        session.add(volunteer)
        for area in session.exec(select(VolunteerArea).where(VolunteerArea.volunteer_id == user_id)).all():
            session.delete(area)
    # Which surveys they were asked to fill in, and a werkgroep role; their answers never named them.
    session.exec(delete(SurveyInvite).where(SurveyInvite.user_id == user_id))
    session.exec(delete(Organiser).where(Organiser.user_id == user_id))
    forget_counts(session, user_id=user_id)
    user.first_name, user.username, user.phone = "", None, None
    user.neighbourhood_slug, user.activity_news = None, False
    user.forgotten_at = now
    session.add(user)
    return cancelled


def anonymise_expired(session: Session, *, now: datetime, settings: Settings) -> int:
    """Anonymise closed requests (and closed inbox items) older than the retention period."""
    cutoff = now - timedelta(days=settings.retention_days)
    closed_moment = func.coalesce(HelpRequest.closed_at, HelpRequest.done_at, HelpRequest.created_at)
    result = session.exec(
        update(HelpRequest)
        .where(
            HelpRequest.anonymised_at.is_(None),
            HelpRequest.status.in_(CLOSED_STATUSES),
            closed_moment < cutoff,
        )
        .values(details="", on_behalf_name=None, resident_id=None, anonymised_at=now)
    )
    items = session.exec(
        select(InboxItem)
        .where(InboxItem.closed_at.is_not(None), InboxItem.closed_at < cutoff)
        .where(or_(InboxItem.user_id.is_not(None), InboxItem.note != ""))
        .limit(RETENTION_BATCH)
    ).all()
    for item in items:
        item.details, item.note, item.user_id = {}, "", None
        session.add(item)
    closed = select(HelpRequest.id).where(HelpRequest.status.in_(CLOSED_STATUSES))
    purge_done(session, before=now - timedelta(days=OUTBOX_DAYS), closed_request_ids=closed)
    session.exec(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < now - timedelta(days=PROCESSED_UPDATE_DAYS))
    )
    return result.rowcount + len(items)


def next_retention_run(now: datetime, settings: Settings) -> datetime:
    """The next night at RETENTION_HOUR, local time, in UTC."""
    local = local_now(now, settings.time_zone)
    day = local.date() if local.hour < RETENTION_HOUR else local.date() + timedelta(days=1)
    return datetime.combine(day, time(RETENTION_HOUR), tzinfo=settings.time_zone).astimezone(now.tzinfo)


def schedule_retention(session: Session, *, now: datetime, settings: Settings) -> None:
    """Make sure one nightly retention timer is armed (safe to call from every process at start-up)."""
    pending = select(func.count()).where(Timer.kind == RETENTION_KIND, Timer.fired_at.is_(None))
    if session.exec(pending).one():
        return
    # The due time is the same for every process, so the unique (kind, ref_id, due_at) keeps one.
    try:
        with session.begin_nested():
            session.add(Timer(kind=RETENTION_KIND, ref_id=0, due_at=next_retention_run(now, settings)))
    except IntegrityError:  # another process armed it first
        return


def retention(session: Session, timer: Timer, now: datetime, settings: Settings) -> bool:
    """The nightly timer: anonymise what expired, then arm the next night."""
    anonymise_expired(session, now=now, settings=settings)
    session.add(Timer(kind=RETENTION_KIND, ref_id=0, due_at=next_retention_run(now + timedelta(hours=1), settings)))
    return True
