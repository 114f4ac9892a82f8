"""Weekly help: a finished request repeats every week, offered first to the same helper."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.config import Settings
from bot.dates import local_now
from bot.services.access import volunteers_in
from bot.services.cards import post_card
from bot.services.notices import WeeklyOffer, tell
from bot.services.requests import cancel_timers, change_request, finished_for
from bot.services.timing import arm_timer, timing_rules
from bot.services.views import RequestView, request_view
from db.models import HelpRequest, RequestStatus, Timer, TimerKind, User


def repeat_weekly(
    session: Session, *, request_id: int, resident_id: int, now: datetime, settings: Settings
) -> RequestView | None:
    """Make a finished request weekly, once: next week's is offered to the same helper first."""
    request = change_request(
        session,
        request_id,
        *finished_for(resident_id),
        HelpRequest.repeat_weekly.is_(False),
        repeat_weekly=True,
    )
    if request is None:
        return None
    return request_view(session, next_occurrence(session, request=request, now=now, settings=settings))


def next_occurrence(session: Session, *, request: HelpRequest, now: datetime, settings: Settings) -> HelpRequest:
    """Next week's request of a weekly series: offered to its helper first, else posted in the group."""
    base = request.when_date or local_now(request.done_at or now, settings.time_zone).date()
    following = HelpRequest(
        resident_id=request.resident_id,
        category_slug=request.category_slug,
        neighbourhood_slug=request.neighbourhood_slug,
        when_kind="date",
        when_date=base + timedelta(days=7),
        details=request.details,
        created_at=now,
        repeat_weekly=True,
        series_id=request.series_id or request.id,
        on_behalf_name=request.on_behalf_name,
        on_behalf_consent=request.on_behalf_consent,
    )
    helper_id = request.claimed_by
    if helper_id is not None and volunteers_in(session, helper_id, request.neighbourhood_slug):
        following.preferred_volunteer_id = helper_id
    session.add(following)
    session.flush()
    if following.preferred_volunteer_id is None:
        post_card(session, request=following, now=now, settings=settings)
        return following
    resident = session.get(User, request.resident_id) if request.resident_id else None
    tell(
        session,
        WeeklyOffer(
            helper_id=helper_id,
            request=request_view(session, following),
            resident_name=resident.first_name if resident else "",
        ),
    )
    offer_hours = timing_rules(settings).offer_hours
    arm_timer(session, kind=TimerKind.OFFER, ref_id=following.id, due_at=now + timedelta(hours=offer_hours))
    return following


def withdraw_offer(session: Session, *, request_id: int, volunteer_id: int, now: datetime, settings: Settings) -> bool:
    """The usual helper passes: the request goes to the group, once."""
    return _withdraw_offer(session, request_id=request_id, volunteer_id=volunteer_id, now=now, settings=settings)


def offer_expired(session: Session, timer: Timer, now: datetime, settings: Settings) -> bool:
    """Timer "offer": the usual helper did not answer in time; the group gets the request."""
    _withdraw_offer(session, request_id=timer.ref_id, volunteer_id=None, now=now, settings=settings)
    return True


def _withdraw_offer(
    session: Session, *, request_id: int, volunteer_id: int | None, now: datetime, settings: Settings
) -> bool:
    conditions = [HelpRequest.status == RequestStatus.OPEN, HelpRequest.preferred_volunteer_id.is_not(None)]
    if volunteer_id is not None:
        conditions.append(HelpRequest.preferred_volunteer_id == volunteer_id)
    request = change_request(session, request_id, *conditions, preferred_volunteer_id=None)
    if request is None:
        return False
    cancel_timers(session, request_id=request_id, kinds=(TimerKind.OFFER,), now=now)
    post_card(session, request=request, now=now, settings=settings)
    return True
