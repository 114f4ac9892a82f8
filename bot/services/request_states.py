"""A request after its claim: given back, done, time spent, feedback, withdrawn; the helper's reminder."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from bot.config import Settings
from bot.services.access import coordinators_of
from bot.services.cards import close_card, post_card
from bot.services.notices import (
    AskIfDone,
    Complaint,
    HelperGaveBack,
    HelperReminder,
    RequestWithdrawn,
    ResidentStopped,
    ThanksToHelper,
    tell,
)
from bot.services.requests import (
    ACTIVE,
    cancel_timers,
    change_request,
    close_escalations,
    finished_for,
    open_inbox_item,
)
from bot.services.views import RequestView, contact_of, contact_view, request_view
from bot.services.weekly import next_occurrence
from db.models import HelpRequest, InboxKind, RequestStatus, Timer, TimerKind, User

MAX_MINUTES = 24 * 60
"""More time than this on one request is not a time spent: it is refused."""
ALL_TIMERS = (TimerKind.BUMP, TimerKind.ESCALATE, TimerKind.REMINDER, TimerKind.OFFER)
RECENT_DAYS = 30
VERDICTS = ("up", "down")


@dataclass(frozen=True)
class Feedback:
    """A 👍/👎 that was recorded: whether the request repeats already, and who helped (None: nobody known)."""

    repeat_weekly: bool
    helper_name: str | None


@dataclass(frozen=True)
class OwnRequest:
    """One of a resident's requests, with the name of its helper."""

    request: RequestView
    helper_name: str | None
    cheques: int | None = None  # dienstencheques used (a woonservice project's request, once its time is known)


def _claimed_by(volunteer_id: int) -> tuple[Any, ...]:
    """The conditions of a request this volunteer holds now."""
    return HelpRequest.claimed_by == volunteer_id, HelpRequest.status == RequestStatus.CLAIMED


def release_request(
    session: Session, *, request_id: int, volunteer_id: int, now: datetime, settings: Settings
) -> RequestView | None:
    """The helper cannot after all: the request is open again, the card too, the resident hears it.

    The request as it is now, or None when this volunteer did not hold it.
    """
    request = change_request(
        session,
        request_id,
        *_claimed_by(volunteer_id),
        status=RequestStatus.OPEN,
        claimed_by=None,
        claimed_at=None,
        preferred_volunteer_id=None,
    )
    if request is None:
        return None
    cancel_timers(session, request_id=request_id, kinds=(TimerKind.REMINDER, TimerKind.OFFER), now=now)
    post_card(session, request=request, now=now, settings=settings)
    if request.resident_id is not None and session.get(User, request.resident_id) is not None:
        tell(session, HelperGaveBack(resident_id=request.resident_id))
    return request_view(session, request)


def release_all_held(session: Session, *, volunteer_id: int, now: datetime, settings: Settings) -> int:
    """A helper leaves: every request they still hold is released the normal way. Returns how many."""
    held = session.exec(select(HelpRequest.id).where(*_claimed_by(volunteer_id))).all()
    return sum(
        release_request(session, request_id=request_id, volunteer_id=volunteer_id, now=now, settings=settings)
        is not None
        for request_id in held
    )


def finish_request(session: Session, *, request_id: int, volunteer_id: int, now: datetime, settings: Settings) -> bool:
    """The helper says it is done: the resident is asked whether it worked out."""
    request = change_request(session, request_id, *_claimed_by(volunteer_id), status=RequestStatus.DONE, done_at=now)
    if request is None:
        return False
    cancel_timers(session, request_id=request_id, kinds=ALL_TIMERS, now=now)
    if request.resident_id is not None and session.get(User, request.resident_id) is not None:
        tell(session, AskIfDone(resident_id=request.resident_id, request=request_view(session, request)))
    if request.repeat_weekly:
        next_occurrence(session, request=request, now=now, settings=settings)
    return True


def record_minutes(session: Session, *, request_id: int, volunteer_id: int, minutes: int) -> bool:
    """The helper's time spent, once, on a request they finished (0 = they'd rather not say)."""
    if not 0 <= minutes <= MAX_MINUTES:
        return False
    result = session.exec(
        update(HelpRequest)
        .where(
            HelpRequest.id == request_id,
            HelpRequest.claimed_by == volunteer_id,
            HelpRequest.status == RequestStatus.DONE,
            HelpRequest.minutes_spent.is_(None),
        )
        .values(minutes_spent=minutes or None)
    )
    if result.rowcount != 1:
        return False
    request = session.get(HelpRequest, request_id)
    if request.cheques_per_hour and minutes:
        request.cheques = cheques_for(minutes, request.cheques_per_hour)
    return True


def cheques_for(minutes: int, per_hour: int) -> int:
    """Dienstencheques for the time spent: every hour begun counts."""
    return math.ceil(minutes / 60) * per_hour


def give_feedback(
    session: Session, *, request_id: int, resident_id: int, verdict: str, now: datetime
) -> Feedback | None:
    """The resident's 👍/👎, once: thanks go to the helper, a 👎 to the coordinators."""
    if verdict not in VERDICTS:
        return None
    request = change_request(
        session,
        request_id,
        *finished_for(resident_id),
        HelpRequest.feedback.is_(None),
        feedback=verdict,
        feedback_at=now,
    )
    if request is None:
        return None
    resident = session.get(User, resident_id)
    helper = session.get(User, request.claimed_by) if request.claimed_by else None
    if verdict == "up" and helper is not None:
        tell(session, ThanksToHelper(helper_id=helper.id, resident_name=resident.first_name))
    if verdict == "down":
        _complain(session, request=request, resident=resident, helper=helper, now=now)
    return Feedback(repeat_weekly=request.repeat_weekly, helper_name=helper.first_name if helper else None)


def _complain(session: Session, *, request: HelpRequest, resident: User, helper: User | None, now: datetime) -> None:
    view = request_view(session, request)
    item = open_inbox_item(
        session,
        kind=InboxKind.FEEDBACK,
        municipality_slug=view.municipality_slug,
        user_id=resident.id,
        request_id=request.id,
        details={"feedback": "down", "volunteer_id": request.claimed_by},
        now=now,
    )
    tell(
        session,
        Complaint(
            coordinator_ids=coordinators_of(session, view.municipality_slug),
            item_id=item.id,
            request=view,
            resident=contact_view(resident),
            helper=contact_view(helper) if helper else None,
        ),
    )


def is_own_request(session: Session, *, request_id: int, resident_id: int) -> bool:
    """Whether the request exists and was asked by this resident."""
    request = session.get(HelpRequest, request_id)
    return request is not None and request.resident_id == resident_id


def withdraw_request(
    session: Session, *, request_id: int, resident_id: int, now: datetime, forgotten: bool = False
) -> bool:
    """The resident needs no help any more: close the card, tell the helper (and coordinators) if any.

    The database decides what it was (claimed first, so a claim racing in is seen). `forgotten`: the resident
    asked to be erased, so the card and the helper's message carry nothing about the request.
    """
    before, request = None, None
    for status in (RequestStatus.CLAIMED, RequestStatus.ESCALATED, RequestStatus.OPEN):
        request = change_request(
            session,
            request_id,
            HelpRequest.resident_id == resident_id,
            HelpRequest.status == status,
            status=RequestStatus.CANCELLED,
            closed_at=now,
        )
        if request is not None:
            before = status
            break
    if request is None:
        return False
    cancel_timers(session, request_id=request_id, kinds=ALL_TIMERS, now=now)
    close_escalations(session, request_id=request_id, now=now)
    close_card(session, request=request, bare=forgotten)
    view = request_view(session, request)
    helper_id = request.claimed_by if before == RequestStatus.CLAIMED else request.preferred_volunteer_id
    if helper_id is not None:
        tell(session, RequestWithdrawn(helper_id=helper_id, request=view, forgotten=forgotten))
    if before == RequestStatus.ESCALATED:
        tell(
            session,
            ResidentStopped(coordinator_ids=coordinators_of(session, view.municipality_slug), request_id=request.id),
        )
    return True


def requests_of_resident(
    session: Session, *, resident_id: int, now: datetime
) -> tuple[list[OwnRequest], list[OwnRequest]]:
    """A resident's open requests, and those finished in the last month; newest first."""
    mine = select(HelpRequest).where(HelpRequest.resident_id == resident_id).order_by(HelpRequest.id.desc())
    open_ = session.exec(mine.where(HelpRequest.status.in_(ACTIVE)).limit(10)).all()
    recent = session.exec(
        mine.where(
            HelpRequest.status.not_in(ACTIVE), HelpRequest.created_at >= now - timedelta(days=RECENT_DAYS)
        ).limit(10)
    ).all()
    return [_own(session, request) for request in open_], [_own(session, request) for request in recent]


def _own(session: Session, request: HelpRequest) -> OwnRequest:
    helper = session.get(User, request.claimed_by) if request.claimed_by else None
    return OwnRequest(
        request=request_view(session, request),
        helper_name=helper.first_name if helper else None,
        cheques=request.cheques,
    )


def remind_volunteer(session: Session, timer: Timer, now: datetime, settings: Settings) -> bool:
    """Timer "reminder": the day before the planned date, the helper gets the request again."""
    request = session.get(HelpRequest, timer.ref_id)
    if request is None or request.status != RequestStatus.CLAIMED or request.claimed_by is None:
        return True
    tell(
        session,
        HelperReminder(
            helper_id=request.claimed_by,
            request=request_view(session, request),
            resident=contact_of(session, request.resident_id),
        ),
    )
    return True
