"""The life of a help request: asked, posted, claimed. Channel-free: notices say who hears what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, or_, select

from bot.config import Settings
from bot.services.access import coordinators_of, volunteers_in
from bot.services.catalogue import category_of, place_of_slug
from bot.services.notices import CardPosted, CardTaken, HelperFound, RequestForCoordinators, tell
from bot.services.places import groups_serving
from bot.services.prices import price_for
from bot.services.timing import add_timers, arm_timer, hours_for, schedule_day_before_reminder
from bot.services.views import ContactView, RequestView, contact_of, contact_view, request_view
from db.models import (
    HelpRequest,
    InboxItem,
    InboxKind,
    InboxStatus,
    Outbox,
    RequestStatus,
    Timer,
    TimerKind,
    User,
)

CLAIMABLE = (RequestStatus.OPEN, RequestStatus.ESCALATED)
ACTIVE = (RequestStatus.OPEN, RequestStatus.CLAIMED, RequestStatus.ESCALATED)
MAX_DETAILS = 1000


@dataclass(frozen=True)
class Placement:
    """Where a new request went: the volunteers' group(s) of a place, or the coordinators."""

    request_id: int
    to_group: bool
    place_name: str


class ClaimOutcome(StrEnum):
    CLAIMED = "claimed"
    ALREADY_YOURS = "already_yours"
    TAKEN = "taken"
    CLOSED = "closed"
    NOT_VOLUNTEER = "not_volunteer"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Claim:
    """A claimed request, whom to contact, and the helper's name."""

    request: RequestView
    resident: ContactView | None
    helper_name: str


def cheques_per_hour(session: Session, place_slug: str, category_slug: str, data_dir: Path) -> int | None:
    """Dienstencheques per hour when a woonservice project is the first route here (the price the resident read)."""
    price = price_for(session, place_slug=place_slug, category_slug=category_slug, data_dir=data_dir)
    return price.cheques_per_hour if price.level == "woonservice" else None


def create_request(
    session: Session,
    *,
    resident_id: int,
    category_slug: str,
    neighbourhood_slug: str,
    when_kind: str,
    when_date: date | None,
    details: str,
    now: datetime,
    settings: Settings,
    on_behalf_name: str | None = None,
) -> Placement:
    """Store a request and tell its group (or the coordinators), in the caller's transaction."""
    category = category_of(session, category_slug)
    place = place_of_slug(session, neighbourhood_slug)
    if category is None or place is None:
        raise ValueError("unknown category or neighbourhood")
    request = HelpRequest(
        resident_id=resident_id,
        category_slug=category.slug,
        neighbourhood_slug=place.slug,
        when_kind=when_kind,
        when_date=when_date,
        details=details.strip()[:MAX_DETAILS],
        created_at=now,
        # Only asked with the person's consent (the flow asks it before the name is kept).
        on_behalf_name=on_behalf_name.strip()[:100] if on_behalf_name else None,
        on_behalf_consent=bool(on_behalf_name),
        cheques_per_hour=cheques_per_hour(session, place.slug, category.slug, settings.data_dir),
    )
    session.add(request)
    session.flush()
    to_group = place_request(session, request=request, now=now, settings=settings, new=True)
    return Placement(request_id=request.id, to_group=to_group, place_name=place.name)


def preview_request(
    session: Session,
    *,
    category_slug: str,
    neighbourhood_slug: str,
    when_kind: str,
    when_date: date | None,
    details: str,
) -> RequestView:
    """What a request would look like before it is sent (nothing is stored)."""
    draft = HelpRequest(
        category_slug=category_slug,
        neighbourhood_slug=neighbourhood_slug,
        when_kind=when_kind,
        when_date=when_date,
        details=details,
        created_at=datetime.min,
    )
    return request_view(session, draft)


def place_request(
    session: Session, *, request: HelpRequest, now: datetime, settings: Settings, new: bool = False
) -> bool:
    """Post a first card in the group of the request's place and arm its timers; else tell the coordinators.

    `new`: the request was stored in this transaction, so it has no timers yet to re-use.
    """
    category = category_of(session, request.category_slug)
    groups = groups_serving(session, request.neighbourhood_slug) if category.for_volunteers else []
    if not groups:
        resident = session.get(User, request.resident_id) if request.resident_id else None
        if resident is not None:
            notify_coordinators(session, request=request, resident=resident, now=now)
        return False
    tell(session, CardPosted(chat_id=groups[0].chat_id, request=request_view(session, request)))
    schedule_reminders(session, request=request, now=now, settings=settings, new=new)
    return True


def card_chat(session: Session, request_id: int) -> int | None:
    """The group chat the request's card went to, or None when it never had one."""
    query = select(Outbox.chat_id).where(
        Outbox.ref_kind == "card", Outbox.ref_id == request_id, Outbox.method == "sendMessage"
    )
    return session.exec(query.order_by(Outbox.id)).first()


def schedule_reminders(
    session: Session, *, request: HelpRequest, now: datetime, settings: Settings, new: bool = False
) -> None:
    """Timers for an unclaimed request: a bump in its group, later the coordinators (hours per category)."""
    hours = hours_for(request.category_slug, request.when_kind, settings)
    due = {TimerKind.BUMP: now + timedelta(hours=hours.bump), TimerKind.ESCALATE: now + timedelta(hours=hours.escalate)}
    if new:
        add_timers(session, ref_id=request.id, due=due)
        return
    for kind, due_at in due.items():
        arm_timer(session, kind=kind, ref_id=request.id, due_at=due_at)


def notify_coordinators(session: Session, *, request: HelpRequest, resident: User, now: datetime) -> None:
    """A zorgvraag, or a request without a group, goes to its coordinators' inbox and chats."""
    view = request_view(session, request)
    item = open_inbox_item(
        session,
        kind=InboxKind.NO_GROUP if view.category.for_volunteers else InboxKind.ZORGVRAAG,
        municipality_slug=view.municipality_slug,
        user_id=resident.id,
        request_id=request.id,
        now=now,
    )
    tell(
        session,
        RequestForCoordinators(
            coordinator_ids=coordinators_of(session, view.municipality_slug),
            item_id=item.id,
            request=view,
            resident=contact_view(resident),
        ),
    )


def open_inbox_item(
    session: Session,
    *,
    kind: InboxKind,
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


def claim_request(session: Session, *, request_id: int, volunteer_id: int, now: datetime) -> ClaimOutcome:
    """ "Ik help": give the request to this volunteer if nobody has it yet; the database decides races."""
    return try_claim(session, request_id=request_id, volunteer_id=volunteer_id, now=now)


def claimed_request(session: Session, *, request_id: int, volunteer_id: int) -> Claim | None:
    """A request this volunteer holds, with whom to contact; None when they do not hold it."""
    request = session.get(HelpRequest, request_id, populate_existing=True)
    if request is None or request.claimed_by != volunteer_id or request.status != RequestStatus.CLAIMED:
        return None
    return Claim(
        request=request_view(session, request),
        resident=contact_of(session, request.resident_id),
        helper_name=helper_name_of(session, volunteer_id),
    )


def claim_outlook(session: Session, *, request_id: int, volunteer_id: int) -> ClaimOutcome:
    """What "Ik help" would give this volunteer now, without claiming (CLAIMED: the request would be theirs)."""
    request = session.get(HelpRequest, request_id)
    if request is None:
        return ClaimOutcome.NOT_FOUND
    if not volunteers_in(session, volunteer_id, request.neighbourhood_slug):
        return ClaimOutcome.NOT_VOLUNTEER
    if request.status in CLAIMABLE and request.preferred_volunteer_id in (None, volunteer_id):
        return ClaimOutcome.CLAIMED
    return _not_claimed(request, volunteer_id)


def _not_claimed(request: HelpRequest, volunteer_id: int) -> ClaimOutcome:
    """Why a request cannot be claimed: this volunteer has it already, someone else has, or it is closed."""
    if request.status == RequestStatus.CLAIMED:
        return ClaimOutcome.ALREADY_YOURS if request.claimed_by == volunteer_id else ClaimOutcome.TAKEN
    return ClaimOutcome.CLOSED


def try_claim(session: Session, *, request_id: int, volunteer_id: int, now: datetime) -> ClaimOutcome:
    """The conditional claim UPDATE, in the caller's transaction."""
    request = session.get(HelpRequest, request_id)
    if request is None:
        return ClaimOutcome.NOT_FOUND
    if not volunteers_in(session, volunteer_id, request.neighbourhood_slug):
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
    return _not_claimed(request, volunteer_id)


def confirm_claim(
    session: Session,
    *,
    request_id: int,
    volunteer_id: int,
    now: datetime,
    settings: Settings,
    pressed_in: tuple[int, int] | None = None,
) -> bool:
    """After a claim reached the volunteer: tell the resident who helps, stop the reminders.

    Only while the volunteer still holds the request (a cancel may have come in between); the no-op UPDATE
    locks the row until commit, so a cancel waits for this and then tells the helper. `pressed_in` is the
    (chat, message) of the pressed button: pressed anywhere but on the card, the card shows the helper too.
    None: no button (nothing to show).
    """
    held = session.exec(
        update(HelpRequest)
        .where(
            HelpRequest.id == request_id,
            HelpRequest.claimed_by == volunteer_id,
            HelpRequest.status == RequestStatus.CLAIMED,
        )
        .values(claimed_by=volunteer_id)
    )
    if held.rowcount != 1:
        return False
    request = session.get(HelpRequest, request_id)
    session.refresh(request)
    helper_name = helper_name_of(session, volunteer_id)
    tell_resident_who_helps(session, request=request, helper_name=helper_name)
    cancel_timers(session, request_id=request_id, kinds=(TimerKind.BUMP, TimerKind.ESCALATE), now=now)
    schedule_day_before_reminder(session, request_id=request_id, day=request.when_date, now=now, settings=settings)
    close_escalations(session, request_id=request_id, now=now)
    if pressed_in is not None and pressed_in != (request.card_chat_id, request.card_message_id):
        show_helper_on_card(session, request=request, helper_name=helper_name)
    return True


def helper_name_of(session: Session, volunteer_id: int) -> str:
    """A helper's first name as the resident and the card show it ("" when unknown)."""
    helper = session.get(User, volunteer_id)
    return helper.first_name if helper else ""


def show_helper_on_card(session: Session, *, request: HelpRequest, helper_name: str) -> None:
    """The request's card (if it has one) shows who helps."""
    chat_id = card_chat(session, request.id)
    if chat_id is not None:
        tell(session, CardTaken(chat_id=chat_id, request=request_view(session, request), helper_name=helper_name))


def close_escalations(session: Session, *, request_id: int, now: datetime) -> None:
    """A volunteer took the request: the coordinators' "no volunteer found" items are done."""
    session.exec(
        update(InboxItem)
        .where(
            InboxItem.request_id == request_id,
            InboxItem.kind == InboxKind.ESCALATION,
            InboxItem.status == InboxStatus.OPEN,
        )
        .values(status=InboxStatus.CLOSED, closed_at=now)
    )


def tell_resident_who_helps(session: Session, *, request: HelpRequest, helper_name: str) -> None:
    """The resident (if there still is one) hears that this volunteer helps and will get in touch."""
    if request.resident_id is not None and session.get(User, request.resident_id) is not None:
        tell(session, HelperFound(resident_id=request.resident_id, helper_name=helper_name))


def cancel_timers(session: Session, *, request_id: int, kinds: tuple[TimerKind, ...], now: datetime) -> None:
    """Mark pending timers of a request as done so they never fire."""
    session.exec(
        update(Timer)
        .where(Timer.ref_id == request_id, Timer.kind.in_(kinds), Timer.fired_at.is_(None))
        .values(fired_at=now)
    )


def change_request(session: Session, request_id: int, *conditions: Any, **values: Any) -> HelpRequest | None:
    """One conditional UPDATE of a request; the fresh row when it matched, else None."""
    result = session.exec(update(HelpRequest).where(HelpRequest.id == request_id, *conditions).values(**values))
    if result.rowcount != 1:
        return None
    request = session.get(HelpRequest, request_id)
    session.refresh(request)
    return request


def finished_for(resident_id: int) -> tuple[Any, ...]:
    """The conditions of a finished request this resident asked."""
    return HelpRequest.resident_id == resident_id, HelpRequest.status == RequestStatus.DONE
