"""Neighbourhood activities: a draft, publishing to groups and opted-in residents, RSVPs with a waiting list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, update
from sqlmodel import Session, select

from bot.config import Settings
from bot.dates import parse_date
from bot.i18n import Translator, translator
from bot.services.broadcasts import send_in_batch, start_broadcast, watch_progress
from bot.services.coordinators import coordinates
from bot.services.outbox import enqueue_message
from bot.services.requests import locale_of
from db.models import (
    Activity,
    ActivityRsvp,
    GroupLink,
    Municipality,
    Neighbourhood,
    Timer,
    User,
)

DRAFT, PUBLISHED, CANCELLED = "draft", "published", "cancelled"
GOING, WAITING, NOT_COMING = "going", "waiting", "cancelled"
MAX_PEOPLE = 2
REMIND_BEFORE = timedelta(days=1)
_TIME = re.compile(r"\b(?:om\s+)?([01]?\d|2[0-3])(?:[:.]([0-5]\d)|\s*uur)\b")
_AMOUNT = re.compile(r"(\d{1,4})(?:[.,](\d{1,2}))?")


class RsvpOutcome(StrEnum):
    GOING = "going"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    NOT_ON_LIST = "not_on_list"
    KEPT = "kept"  # no room for a bigger group; the earlier answer stands
    CLOSED = "closed"


@dataclass(frozen=True)
class RsvpResult:
    outcome: RsvpOutcome
    people: int = 0


# ------------------------------------------------------------------ parsing the coordinator's answers


def parse_time(text: str) -> time | None:
    """A clock time in a sentence: "14:00", "14.30", "om 14 uur"."""
    found = _TIME.search(text.lower())
    if found is None:
        return None
    return time(int(found.group(1)), int(found.group(2) or 0))


def parse_moment(text: str, today: date, zone: ZoneInfo, language: str = "nl") -> datetime | None:
    """A date and a time ("vrijdag 18:00", "24 november om 14 uur") as an aware UTC moment."""
    moment = parse_time(text)
    if moment is None:
        return None
    day = parse_date(_TIME.sub(" ", text.lower()).strip(), today, language)
    if day is None:
        return None
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def parse_amount(text: str) -> int | None:
    """An amount in euros ("5", "€ 7,50") as cents."""
    found = _AMOUNT.search(text.replace(" ", ""))
    if found is None:
        return None
    try:
        amount = Decimal(found.group(1) + "." + (found.group(2) or "0").ljust(2, "0"))
    except InvalidOperation:
        return None
    return int(amount * 100)


# ------------------------------------------------------------------ the draft


def start_draft(session: Session, *, coordinator_id: int, municipality_slug: str, now: datetime) -> Activity | None:
    """A new draft activity, if this coordinator may work in the municipality."""
    if not coordinates(session, coordinator_id, municipality_slug):
        return None
    activity = Activity(municipality_slug=municipality_slug, created_by=coordinator_id, created_at=now)
    session.add(activity)
    session.commit()
    return activity


def update_draft(session: Session, *, activity_id: int, coordinator_id: int, **fields: Any) -> Activity | None:
    """Change fields of a draft the coordinator may edit."""
    activity = session.get(Activity, activity_id)
    if activity is None or activity.status != DRAFT or not may_manage(session, coordinator_id, activity):
        return None
    for name, value in fields.items():
        setattr(activity, name, value)
    session.add(activity)
    session.commit()
    return activity


def may_manage(session: Session, coordinator_id: int, activity: Activity) -> bool:
    """A coordinator of the activity's municipality (or of all)."""
    return coordinates(session, coordinator_id, activity.municipality_slug)


# ------------------------------------------------------------------ texts


def place_names(session: Session, activity: Activity) -> str:
    """The neighbourhoods of an activity, or its municipality."""
    if activity.neighbourhoods:
        places = session.exec(select(Neighbourhood).where(Neighbourhood.slug.in_(activity.neighbourhoods)))
        return ", ".join(sorted(place.name for place in places))
    municipality = session.get(Municipality, activity.municipality_slug)
    return municipality.name if municipality else activity.municipality_slug


def people_text(count: int, _: Translator) -> str:
    """ "1 persoon", "3 personen"."""
    return _.plural("{count} persoon", "{count} personen", count).format(count=_.number(count))


def announcement(session: Session, activity: Activity, _: Translator) -> str:
    """The activity as residents and groups see it (HTML, user text escaped)."""
    lines = ["📣 <b>" + escape(activity.title) + "</b>"]
    if activity.description:
        lines.append(escape(activity.description))
    lines.append("")
    if activity.starts_at is not None:
        lines.append("📅 " + escape(_.moment(activity.starts_at)))
    where = ", ".join(part for part in (activity.place, place_names(session, activity)) if part)
    lines.append("📍 " + escape(where))
    if activity.capacity:
        lines.append("👥 " + _("Plaats voor {people}").format(people=people_text(activity.capacity, _)))
    if activity.cost_cents:
        lines.append("💶 " + _("Kosten: {amount}").format(amount=_.money(Decimal(activity.cost_cents) / 100)))
    else:
        lines.append("💶 " + _("Gratis"))
    return "\n".join(lines)


def rsvp_markup(activity_id: int, _: Translator) -> dict[str, Any]:
    """The RSVP buttons: coming alone, with two, or not after all."""
    buttons = [
        ("🙋 " + _("Ik kom"), f"rsvp:{activity_id}:1"),
        ("👫 " + _("Ik kom met 2"), f"rsvp:{activity_id}:2"),
        ("❌ " + _("Ik kom toch niet"), f"rsvp:{activity_id}:0"),
    ]
    return {"inline_keyboard": [[{"text": label, "callback_data": data}] for label, data in buttons]}


def manage_markup(activity_id: int, _: Translator) -> dict[str, Any]:
    """The coordinator's buttons under a published activity."""
    return {
        "inline_keyboard": [
            [{"text": "👥 " + _("Deelnemers"), "callback_data": f"act:{activity_id}:people"}],
            [{"text": "🚫 " + _("Activiteit afzeggen"), "callback_data": f"act:{activity_id}:cancel"}],
        ]
    }


# ------------------------------------------------------------------ publishing


def audience(session: Session, activity: Activity) -> tuple[list[int], list[int]]:
    """The linked groups and the opted-in residents an activity goes to."""
    areas = session.exec(
        select(Neighbourhood.slug).where(Neighbourhood.municipality_slug == activity.municipality_slug)
    ).all()
    if activity.neighbourhoods:
        chosen = set(activity.neighbourhoods)
        # A chosen kern/wijk includes its buurten.
        below = session.exec(select(Neighbourhood.slug).where(Neighbourhood.parent_slug.in_(chosen))).all()
        areas = sorted(chosen | set(below))
    groups = session.exec(
        select(GroupLink.chat_id).where(GroupLink.neighbourhood_slug.in_(areas)).distinct().order_by(GroupLink.chat_id)
    ).all()
    residents = session.exec(
        select(User.id)
        .where(
            User.activity_news.is_(True),
            User.has_private_chat.is_(True),
            User.reachable.is_(True),
            User.forgotten_at.is_(None),
            User.neighbourhood_slug.in_(areas),
        )
        .order_by(User.id)
    ).all()
    return list(groups), list(residents)


def _move(
    session: Session,
    *,
    activity_id: int,
    coordinator_id: int,
    from_status: str,
    only_if: tuple[Any, ...] = (),
    **values: Any,
) -> Activity | None:
    """Move an activity this coordinator may manage out of `from_status`, once; the fresh row, or None."""
    activity = session.get(Activity, activity_id)
    if activity is None or not may_manage(session, coordinator_id, activity):
        return None
    result = session.exec(
        update(Activity).where(Activity.id == activity_id, Activity.status == from_status, *only_if).values(**values)
    )
    if result.rowcount != 1:
        session.rollback()
        return None
    session.refresh(activity)
    return activity


def publish_activity(
    session: Session,
    *,
    activity_id: int,
    coordinator_id: int,
    progress_chat_id: int,
    progress_message_id: int,
    now: datetime,
    settings: Settings,
) -> int | None:
    """Publish a complete draft once: queue it as one batch, arm progress and the reminder; how many sends."""
    activity = _move(
        session,
        activity_id=activity_id,
        coordinator_id=coordinator_id,
        from_status=DRAFT,
        only_if=(Activity.starts_at.is_not(None),),
        status=PUBLISHED,
        published_at=now,
    )
    if activity is None:
        return None
    coordinator_ = locale_of(session.get(User, coordinator_id), settings)
    broadcast = start_broadcast(
        session,
        kind="activity",
        ref_id=activity.id,
        now=now,
        chat_id=progress_chat_id,
        message_id=progress_message_id,
        text=announcement(session, activity, coordinator_),
        final_markup=manage_markup(activity.id, coordinator_),
    )
    groups, residents = audience(session, activity)
    group_ = translator(settings.default_locale, settings.time_zone)
    for chat_id in groups:
        text = announcement(session, activity, group_)
        send_in_batch(
            session, broadcast, chat_id=chat_id, text=text, reply_markup=rsvp_markup(activity.id, group_), now=now
        )
    for user_id in residents:
        _ = locale_of(session.get(User, user_id), settings)
        text = announcement(session, activity, _) + "\n\n" + _("Wilt u hier geen bericht meer over? Typ dan /nieuws.")
        send_in_batch(session, broadcast, chat_id=user_id, text=text, reply_markup=rsvp_markup(activity.id, _), now=now)
    watch_progress(session, broadcast, now=now)
    if activity.starts_at - REMIND_BEFORE > now:
        session.add(Timer(kind="activity_reminder", ref_id=activity.id, due_at=activity.starts_at - REMIND_BEFORE))
    session.commit()
    return broadcast.total


# ------------------------------------------------------------------ RSVP


def _take_seats(session: Session, activity_id: int, people: int) -> bool:
    """Reserve seats if they fit; one conditional update decides races."""
    result = session.exec(
        update(Activity)
        .where(
            Activity.id == activity_id,
            Activity.status == PUBLISHED,
            or_(Activity.capacity == 0, Activity.seats_taken + people <= Activity.capacity),
        )
        .values(seats_taken=Activity.seats_taken + people)
    )
    return result.rowcount == 1


def _free_seats(session: Session, activity_id: int, people: int) -> None:
    session.exec(update(Activity).where(Activity.id == activity_id).values(seats_taken=Activity.seats_taken - people))


def respond(
    session: Session, *, activity_id: int, user_id: int, people: int, now: datetime, settings: Settings
) -> RsvpResult:
    """An RSVP button: come with `people` (1 or 2), or 0 for not coming; the waiting list moves up."""
    activity = session.get(Activity, activity_id)
    if activity is None or activity.status != PUBLISHED or activity.starts_at is None or activity.starts_at <= now:
        return RsvpResult(RsvpOutcome.CLOSED)
    if session.get(User, user_id) is None:
        session.add(User(id=user_id, created_at=now))
        session.flush()
    people = max(0, min(people, MAX_PEOPLE))
    answer = session.exec(
        select(ActivityRsvp).where(ActivityRsvp.activity_id == activity_id, ActivityRsvp.user_id == user_id)
    ).first()
    if people == 0:
        return _not_coming(session, activity, answer, now=now, settings=settings)
    if answer is not None and answer.status == GOING:
        if answer.people == people:
            return RsvpResult(RsvpOutcome.GOING, people)
        if people < answer.people or _take_seats(session, activity_id, people - answer.people):
            if people < answer.people:
                _free_seats(session, activity_id, answer.people - people)
            answer.people, answer.updated_at = people, now
            session.add(answer)
            promote_waiting(session, activity_id=activity_id, now=now, settings=settings)
            session.commit()
            return RsvpResult(RsvpOutcome.GOING, people)
        return RsvpResult(RsvpOutcome.KEPT, answer.people)
    status = GOING if _take_seats(session, activity_id, people) else WAITING
    if answer is None:
        answer = ActivityRsvp(activity_id=activity_id, user_id=user_id, created_at=now, updated_at=now)
    elif answer.status != WAITING or status == GOING:
        answer.created_at = now  # a new place at the back of the waiting list
    answer.people, answer.status, answer.updated_at = people, status, now
    session.add(answer)
    session.commit()
    return RsvpResult(RsvpOutcome.GOING if status == GOING else RsvpOutcome.WAITING, people)


def _not_coming(
    session: Session, activity: Activity, answer: ActivityRsvp | None, *, now: datetime, settings: Settings
) -> RsvpResult:
    if answer is None or answer.status == NOT_COMING:
        return RsvpResult(RsvpOutcome.NOT_ON_LIST)
    was_going = answer.status == GOING
    result = session.exec(
        update(ActivityRsvp)
        .where(ActivityRsvp.id == answer.id, ActivityRsvp.status == answer.status)
        .values(status=NOT_COMING, updated_at=now)
    )
    if result.rowcount == 1 and was_going:
        _free_seats(session, activity.id, answer.people)
        promote_waiting(session, activity_id=activity.id, now=now, settings=settings)
    session.commit()
    return RsvpResult(RsvpOutcome.CANCELLED)


def promote_waiting(session: Session, *, activity_id: int, now: datetime, settings: Settings) -> list[int]:
    """Move people up from the waiting list, first come first served, while their group fits; tell them."""
    promoted = []
    waiting = session.exec(
        select(ActivityRsvp)
        .where(ActivityRsvp.activity_id == activity_id, ActivityRsvp.status == WAITING)
        .order_by(ActivityRsvp.created_at, ActivityRsvp.id)
    ).all()
    activity = session.get(Activity, activity_id)
    for answer in waiting:
        if not _take_seats(session, activity_id, answer.people):
            break
        answer.status, answer.updated_at = GOING, now
        session.add(answer)
        promoted.append(answer.user_id)
        _ = locale_of(session.get(User, answer.user_id), settings)
        text = "🎉 " + _("Er is plek! U staat nu op de lijst voor: {title}.").format(title=escape(activity.title))
        enqueue_message(session, chat_id=answer.user_id, text=text, now=now)
    return promoted


def attendees(session: Session, activity_id: int) -> list[tuple[User, ActivityRsvp]]:
    """Who comes and who waits, in order of answering."""
    query = (
        select(User, ActivityRsvp)
        .join(ActivityRsvp, ActivityRsvp.user_id == User.id)
        .where(ActivityRsvp.activity_id == activity_id, ActivityRsvp.status.in_((GOING, WAITING)))
        .order_by(ActivityRsvp.status, ActivityRsvp.created_at, ActivityRsvp.id)
    )
    return list(session.exec(query).all())


def upcoming_for(session: Session, *, coordinator_id: int, now: datetime) -> list[Activity]:
    """Published activities still to come that this coordinator may manage."""
    query = select(Activity).where(Activity.status == PUBLISHED, Activity.starts_at > now).order_by(Activity.starts_at)
    return [activity for activity in session.exec(query) if may_manage(session, coordinator_id, activity)]


# ------------------------------------------------------------------ cancelling and reminding


def cancel_activity(
    session: Session,
    *,
    activity_id: int,
    coordinator_id: int,
    progress_chat_id: int,
    progress_message_id: int,
    now: datetime,
    settings: Settings,
) -> bool:
    """Cancel a published activity once; everyone who answered and the groups hear it."""
    activity = _move(
        session,
        activity_id=activity_id,
        coordinator_id=coordinator_id,
        from_status=PUBLISHED,
        status=CANCELLED,
        cancelled_at=now,
    )
    if activity is None:
        return False
    coordinator_ = locale_of(session.get(User, coordinator_id), settings)
    broadcast = start_broadcast(
        session,
        kind="activity_cancelled",
        ref_id=activity.id,
        now=now,
        chat_id=progress_chat_id,
        message_id=progress_message_id,
        text="🚫 " + coordinator_("Afgezegd: {title}").format(title=escape(activity.title)),
    )
    groups, _residents = audience(session, activity)
    group_ = translator(settings.default_locale, settings.time_zone)
    for chat_id in groups:
        send_in_batch(session, broadcast, chat_id=chat_id, text=cancellation_text(activity, group_), now=now)
    answered = session.exec(
        select(ActivityRsvp.user_id).where(
            ActivityRsvp.activity_id == activity_id, ActivityRsvp.status.in_((GOING, WAITING))
        )
    ).all()
    for user_id in answered:
        _ = locale_of(session.get(User, user_id), settings)
        send_in_batch(session, broadcast, chat_id=user_id, text=cancellation_text(activity, _), now=now)
    watch_progress(session, broadcast, now=now)
    session.exec(
        update(Timer)
        .where(Timer.kind == "activity_reminder", Timer.ref_id == activity_id, Timer.fired_at.is_(None))
        .values(fired_at=now)
    )
    session.commit()
    return True


def cancellation_text(activity: Activity, _: Translator) -> str:
    return "🚫 " + _("Jammer: {title} op {moment} gaat niet door.").format(
        title="<b>" + escape(activity.title) + "</b>", moment=escape(_.moment(activity.starts_at))
    )


def remind_attendees(session: Session, timer: Timer, now: datetime, settings: Settings) -> bool:
    """Timer "activity_reminder": the day before, everyone on the list hears it once."""
    activity = session.get(Activity, timer.ref_id)
    if activity is None or activity.status != PUBLISHED:
        return True
    going = session.exec(
        select(ActivityRsvp).where(ActivityRsvp.activity_id == activity.id, ActivityRsvp.status == GOING)
    ).all()
    broadcast = start_broadcast(session, kind="activity_reminder", ref_id=activity.id, now=now)
    for answer in going:
        _ = locale_of(session.get(User, answer.user_id), settings)
        text = "⏰ " + _("Herinnering: morgen is {title}.").format(title="<b>" + escape(activity.title) + "</b>")
        text += "\n📅 " + escape(_.moment(activity.starts_at))
        if activity.place:
            text += "\n📍 " + escape(activity.place)
        text += "\n\n" + _("Kunt u toch niet? Druk dan op de knop.")
        markup = {
            "inline_keyboard": [[{"text": "❌ " + _("Ik kom toch niet"), "callback_data": f"rsvp:{activity.id}:0"}]]
        }
        send_in_batch(session, broadcast, chat_id=answer.user_id, text=text, reply_markup=markup, now=now)
    return True
