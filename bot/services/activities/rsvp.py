"""RSVPs: coming with one or two, or not; a waiting list that moves up; the coordinator's attendee lists."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import or_, update
from sqlmodel import Session, select

from bot.services.activities.drafts import activity_view, may_manage
from bot.services.notices import SeatAvailable, tell
from bot.services.views import ActivityView
from db.models import Activity, ActivityRsvp, ActivityStatus, RsvpStatus, User

MAX_PEOPLE = 2
LISTS_SHOWN = 10


class RsvpOutcome(StrEnum):
    GOING = "going"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    NOT_ON_LIST = "not_on_list"
    KEPT = "kept"  # no room for a bigger group; the earlier answer stands
    CLOSED = "closed"


@dataclass(frozen=True)
class RsvpResult:
    """What became of an answer, and the activity as it is now (None when it does not exist)."""

    outcome: RsvpOutcome
    people: int = 0
    activity: ActivityView | None = None


@dataclass(frozen=True)
class Attendee:
    user_id: int
    first_name: str
    people: int


@dataclass(frozen=True)
class AttendeeList:
    """Who comes (with how many) and who waits, in order of answering."""

    activity: ActivityView
    going: tuple[Attendee, ...]
    waiting: tuple[Attendee, ...]


def _take_seats(session: Session, activity_id: int, people: int) -> bool:
    """Reserve seats if they fit; one conditional update decides races."""
    result = session.exec(
        update(Activity)
        .where(
            Activity.id == activity_id,
            Activity.status == ActivityStatus.PUBLISHED,
            or_(Activity.capacity == 0, Activity.seats_taken + people <= Activity.capacity),
        )
        .values(seats_taken=Activity.seats_taken + people)
    )
    return result.rowcount == 1


def _free_seats(session: Session, activity_id: int, people: int) -> None:
    session.exec(update(Activity).where(Activity.id == activity_id).values(seats_taken=Activity.seats_taken - people))


def respond(session: Session, *, activity_id: int, user_id: int, people: int, now: datetime) -> RsvpResult:
    """An RSVP button: come with `people` (1 or 2), or 0 for not coming; the waiting list moves up."""
    result = _respond(session, activity_id=activity_id, user_id=user_id, people=people, now=now)
    activity = session.get(Activity, activity_id)
    if activity is None:
        return result
    session.refresh(activity)  # the seats were counted by conditional updates
    return dataclasses.replace(result, activity=activity_view(session, activity))


def _respond(session: Session, *, activity_id: int, user_id: int, people: int, now: datetime) -> RsvpResult:
    activity = session.get(Activity, activity_id)
    if (
        activity is None
        or activity.status != ActivityStatus.PUBLISHED
        or activity.starts_at is None
        or activity.starts_at <= now
    ):
        return RsvpResult(RsvpOutcome.CLOSED)
    if session.get(User, user_id) is None:
        session.add(User(id=user_id, created_at=now))
        session.flush()
    people = max(0, min(people, MAX_PEOPLE))
    answer = session.exec(
        select(ActivityRsvp).where(ActivityRsvp.activity_id == activity_id, ActivityRsvp.user_id == user_id)
    ).first()
    if people == 0:
        return _not_coming(session, activity, answer, now=now)
    if answer is not None and answer.status == RsvpStatus.GOING:
        if answer.people == people:
            return RsvpResult(RsvpOutcome.GOING, people)
        if people < answer.people or _take_seats(session, activity_id, people - answer.people):
            if people < answer.people:
                _free_seats(session, activity_id, answer.people - people)
            answer.people, answer.updated_at = people, now
            session.add(answer)
            promote_waiting(session, activity_id=activity_id, now=now)
            return RsvpResult(RsvpOutcome.GOING, people)
        return RsvpResult(RsvpOutcome.KEPT, answer.people)
    status = RsvpStatus.GOING if _take_seats(session, activity_id, people) else RsvpStatus.WAITING
    if answer is None:
        answer = ActivityRsvp(activity_id=activity_id, user_id=user_id, created_at=now, updated_at=now)
    elif answer.status != RsvpStatus.WAITING or status == RsvpStatus.GOING:
        answer.created_at = now  # a new place at the back of the waiting list
    answer.people, answer.status, answer.updated_at = people, status, now
    session.add(answer)
    return RsvpResult(RsvpOutcome.GOING if status == RsvpStatus.GOING else RsvpOutcome.WAITING, people)


def _not_coming(session: Session, activity: Activity, answer: ActivityRsvp | None, *, now: datetime) -> RsvpResult:
    if answer is None or answer.status == RsvpStatus.NOT_COMING:
        return RsvpResult(RsvpOutcome.NOT_ON_LIST)
    was_going = answer.status == RsvpStatus.GOING
    result = session.exec(
        update(ActivityRsvp)
        .where(ActivityRsvp.id == answer.id, ActivityRsvp.status == answer.status)
        .values(status=RsvpStatus.NOT_COMING, updated_at=now)
    )
    if result.rowcount == 1 and was_going:
        _free_seats(session, activity.id, answer.people)
        promote_waiting(session, activity_id=activity.id, now=now)
    return RsvpResult(RsvpOutcome.CANCELLED)


def promote_waiting(session: Session, *, activity_id: int, now: datetime) -> list[int]:
    """Move people up from the waiting list, first come first served, while their group fits; tell them."""
    promoted = []
    waiting = session.exec(
        select(ActivityRsvp)
        .where(ActivityRsvp.activity_id == activity_id, ActivityRsvp.status == RsvpStatus.WAITING)
        .order_by(ActivityRsvp.created_at, ActivityRsvp.id)
    ).all()
    view = activity_view(session, session.get(Activity, activity_id)) if waiting else None
    for answer in waiting:
        if not _take_seats(session, activity_id, answer.people):
            break
        answer.status, answer.updated_at = RsvpStatus.GOING, now
        session.add(answer)
        promoted.append(answer.user_id)
        tell(session, SeatAvailable(user_id=answer.user_id, activity=view, people=answer.people))
    return promoted


def attendee_list(session: Session, *, activity_id: int, coordinator_id: int) -> AttendeeList | None:
    """Who comes and who waits, for a coordinator who may manage the activity (else None)."""
    activity = session.get(Activity, activity_id)
    if activity is None or not may_manage(session, coordinator_id, activity):
        return None
    return _attendees(session, activity)


def _attendees(session: Session, activity: Activity) -> AttendeeList:
    query = (
        select(User, ActivityRsvp)
        .join(ActivityRsvp, ActivityRsvp.user_id == User.id)
        .where(
            ActivityRsvp.activity_id == activity.id,
            ActivityRsvp.status.in_((RsvpStatus.GOING, RsvpStatus.WAITING)),
        )
        .order_by(ActivityRsvp.status, ActivityRsvp.created_at, ActivityRsvp.id)
    )
    going, waiting = [], []
    for user, answer in session.exec(query).all():
        attendee = Attendee(user_id=user.id, first_name=user.first_name, people=answer.people)
        (going if answer.status == RsvpStatus.GOING else waiting).append(attendee)
    return AttendeeList(activity=activity_view(session, activity), going=tuple(going), waiting=tuple(waiting))


def upcoming_attendee_lists(session: Session, *, coordinator_id: int, now: datetime) -> list[AttendeeList]:
    """The lists of published activities still to come that this coordinator may manage."""
    query = (
        select(Activity)
        .where(Activity.status == ActivityStatus.PUBLISHED, Activity.starts_at > now)
        .order_by(Activity.starts_at)
    )
    mine = [activity for activity in session.exec(query) if may_manage(session, coordinator_id, activity)]
    return [_attendees(session, activity) for activity in mine[:LISTS_SHOWN]]
