"""What must be told to whom: one frozen dataclass per kind of notice, recorded in the session with `tell`.

A service decides who hears what; the front door's unit of work hands the notices to the renderer (texts,
buttons, language, channel) just before it commits. A commit that would drop notices is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import event
from sqlmodel import Session

from bot.services.providers import Proposal
from bot.services.surveys.views import SurveyView
from bot.services.views import ActivityView, ContactView, OfferView, RequestView

NOTICES = "notices"


class NoticeKind(StrEnum):
    CARD_POSTED = "card_posted"
    CARD_REOPENED = "card_reopened"
    CARD_TAKEN = "card_taken"
    CARD_WITHDRAWN = "card_withdrawn"
    REQUEST_BUMPED = "request_bumped"
    HELPER_FOUND = "helper_found"
    HELPER_GAVE_BACK = "helper_gave_back"
    ASK_IF_DONE = "ask_if_done"
    THANKS_TO_HELPER = "thanks_to_helper"
    REQUEST_WITHDRAWN = "request_withdrawn"
    WEEKLY_OFFER = "weekly_offer"
    HELPER_REMINDER = "helper_reminder"
    ASSIGNED_BY_COORDINATOR = "assigned_by_coordinator"
    NO_VOLUNTEER_YET = "no_volunteer_yet"
    REQUEST_REFERRED = "request_referred"
    ROUTE_CHOSEN = "route_chosen"
    REQUEST_FOR_COORDINATORS = "request_for_coordinators"
    NO_VOLUNTEER_FOUND = "no_volunteer_found"
    COMPLAINT = "complaint"
    RESIDENT_STOPPED = "resident_stopped"
    CALL_BACK_REQUESTED = "call_back_requested"
    DANGER_REPORTED = "danger_reported"
    MEDIA_RECEIVED = "media_received"
    NEW_VOLUNTEER = "new_volunteer"
    VOLUNTEER_STOPPED = "volunteer_stopped"
    VOLUNTEER_DECIDED = "volunteer_decided"
    ACTIVITY_PUBLISHED = "activity_published"
    ACTIVITY_CANCELLED = "activity_cancelled"
    ACTIVITY_REMINDER = "activity_reminder"
    SEAT_AVAILABLE = "seat_available"
    BROADCAST_PROGRESS = "broadcast_progress"
    SURVEY_INVITATION = "survey_invitation"
    ORGANISER_APPOINTED = "organiser_appointed"


# ------------------------------------------------------------------ a request's card in its group


@dataclass(frozen=True)
class CardPosted:
    """A first card for a new (or re-posted) request in the group that serves its place."""

    kind: ClassVar = NoticeKind.CARD_POSTED
    chat_id: int
    request: RequestView


@dataclass(frozen=True)
class CardReopened:
    """The card asks for a helper again (released, or a weekly offer passed)."""

    kind: ClassVar = NoticeKind.CARD_REOPENED
    chat_id: int
    request: RequestView


@dataclass(frozen=True)
class CardTaken:
    """The card shows who helps."""

    kind: ClassVar = NoticeKind.CARD_TAKEN
    chat_id: int
    request: RequestView
    helper_name: str


@dataclass(frozen=True)
class CardWithdrawn:
    """The card says the request was withdrawn; `bare` leaves out even category and place."""

    kind: ClassVar = NoticeKind.CARD_WITHDRAWN
    chat_id: int
    request: RequestView
    bare: bool


@dataclass(frozen=True)
class RequestBumped:
    """The group is reminded once of a request nobody took."""

    kind: ClassVar = NoticeKind.REQUEST_BUMPED
    chat_id: int
    request: RequestView


# ------------------------------------------------------------------ the resident


@dataclass(frozen=True)
class HelperFound:
    """The resident hears who helps."""

    kind: ClassVar = NoticeKind.HELPER_FOUND
    resident_id: int
    helper_name: str


@dataclass(frozen=True)
class HelperGaveBack:
    """The resident hears their helper cannot after all."""

    kind: ClassVar = NoticeKind.HELPER_GAVE_BACK
    resident_id: int


@dataclass(frozen=True)
class AskIfDone:
    """The resident is asked whether the help worked out (👍/👎)."""

    kind: ClassVar = NoticeKind.ASK_IF_DONE
    resident_id: int
    request: RequestView


@dataclass(frozen=True)
class NoVolunteerYet:
    """The resident hears that a coordinator looks for another way."""

    kind: ClassVar = NoticeKind.NO_VOLUNTEER_YET
    resident_id: int


@dataclass(frozen=True)
class RequestReferred:
    """The resident hears where a coordinator passed their request on (an inbox route)."""

    kind: ClassVar = NoticeKind.REQUEST_REFERRED
    resident_id: int
    route: str


@dataclass(frozen=True)
class RouteChosen:
    """The resident hears the route a coordinator chose after an escalation (PuntExtra's order)."""

    kind: ClassVar = NoticeKind.ROUTE_CHOSEN
    resident_id: int
    route: str
    organisation: str | None = None  # referred to an organisation of the sociale kaart: its name and phone
    phone: str = ""


# ------------------------------------------------------------------ the helper


@dataclass(frozen=True)
class ThanksToHelper:
    """The helper hears the resident's 👍."""

    kind: ClassVar = NoticeKind.THANKS_TO_HELPER
    helper_id: int
    resident_name: str


@dataclass(frozen=True)
class RequestWithdrawn:
    """The helper (or the usual helper it was offered to) hears the resident withdrew the request."""

    kind: ClassVar = NoticeKind.REQUEST_WITHDRAWN
    helper_id: int
    request: RequestView
    forgotten: bool


@dataclass(frozen=True)
class WeeklyOffer:
    """Next week's request is offered to the usual helper first."""

    kind: ClassVar = NoticeKind.WEEKLY_OFFER
    helper_id: int
    request: RequestView
    resident_name: str


@dataclass(frozen=True)
class HelperReminder:
    """The day before the planned date, the helper gets the request again."""

    kind: ClassVar = NoticeKind.HELPER_REMINDER
    helper_id: int
    request: RequestView
    resident: ContactView | None


@dataclass(frozen=True)
class AssignedByCoordinator:
    """A coordinator gave a request to this volunteer by hand."""

    kind: ClassVar = NoticeKind.ASSIGNED_BY_COORDINATOR
    volunteer_id: int
    request: RequestView
    resident: ContactView | None


# ------------------------------------------------------------------ the coordinators


@dataclass(frozen=True)
class RequestForCoordinators:
    """A zorgvraag, or a request without a group of volunteers, for the coordinators."""

    kind: ClassVar = NoticeKind.REQUEST_FOR_COORDINATORS
    coordinator_ids: tuple[int, ...]
    item_id: int
    request: RequestView
    resident: ContactView


@dataclass(frozen=True)
class NoVolunteerFound:
    """Nobody claimed in time: the coordinators choose the next route."""

    kind: ClassVar = NoticeKind.NO_VOLUNTEER_FOUND
    coordinator_ids: tuple[int, ...]
    request: RequestView
    resident: ContactView | None
    proposal: Proposal | None = None  # the next level of the cascade on the sociale kaart


@dataclass(frozen=True)
class Complaint:
    """A 👎 from the resident."""

    kind: ClassVar = NoticeKind.COMPLAINT
    coordinator_ids: tuple[int, ...]
    item_id: int
    request: RequestView
    resident: ContactView
    helper: ContactView | None


@dataclass(frozen=True)
class ResidentStopped:
    """The resident withdrew a request the coordinators were handling."""

    kind: ClassVar = NoticeKind.RESIDENT_STOPPED
    coordinator_ids: tuple[int, ...]
    request_id: int


@dataclass(frozen=True)
class CallBackRequested:
    """A resident asks to be phoned."""

    kind: ClassVar = NoticeKind.CALL_BACK_REQUESTED
    coordinator_ids: tuple[int, ...]
    item_id: int
    resident: ContactView
    day: date
    part: str
    place_name: str | None
    reason: str


@dataclass(frozen=True)
class DangerReported:
    """A resident wrote words of danger: the coordinators hear it at once, never a volunteer group."""

    kind: ClassVar = NoticeKind.DANGER_REPORTED
    coordinator_ids: tuple[int, ...]
    item_id: int
    resident: ContactView
    kinds: tuple[str, ...]
    place_name: str | None
    text: str


@dataclass(frozen=True)
class MediaReceived:
    """A voice message or photo from a resident, copied to the coordinators."""

    kind: ClassVar = NoticeKind.MEDIA_RECEIVED
    coordinator_ids: tuple[int, ...]
    item_id: int
    media: str
    resident: ContactView
    chat_id: int
    message_id: int
    caption: str = ""


@dataclass(frozen=True)
class NewVolunteer:
    """A sign-up waits for a coordinator's yes or no."""

    kind: ClassVar = NoticeKind.NEW_VOLUNTEER
    coordinator_ids: tuple[int, ...]
    volunteer: ContactView | None
    offer: OfferView


@dataclass(frozen=True)
class VolunteerStopped:
    """A volunteer stopped for good; the coordinators remove them from the groups."""

    kind: ClassVar = NoticeKind.VOLUNTEER_STOPPED
    coordinator_ids: tuple[int, ...]
    volunteer_id: int
    volunteer: ContactView | None


# ------------------------------------------------------------------ volunteers and activities


@dataclass(frozen=True)
class VolunteerDecided:
    """The volunteer hears a coordinator's decision (with the groups' invite links)."""

    kind: ClassVar = NoticeKind.VOLUNTEER_DECIDED
    volunteer_id: int
    approved: bool
    invite_links: tuple[str, ...]


@dataclass(frozen=True)
class ActivityPublished:
    """An activity goes to its groups and opted-in residents, as one batch with a progress message."""

    kind: ClassVar = NoticeKind.ACTIVITY_PUBLISHED
    broadcast_id: int
    activity: ActivityView
    coordinator_id: int
    group_chat_ids: tuple[int, ...]
    resident_ids: tuple[int, ...]


@dataclass(frozen=True)
class ActivityCancelled:
    """Everyone who answered, and the groups, hear an activity is off."""

    kind: ClassVar = NoticeKind.ACTIVITY_CANCELLED
    broadcast_id: int
    activity: ActivityView
    coordinator_id: int
    group_chat_ids: tuple[int, ...]
    attendee_ids: tuple[int, ...]


@dataclass(frozen=True)
class ActivityReminder:
    """The day before, everyone on the list hears it once."""

    kind: ClassVar = NoticeKind.ACTIVITY_REMINDER
    broadcast_id: int
    activity: ActivityView
    attendee_ids: tuple[int, ...]


@dataclass(frozen=True)
class SeatAvailable:
    """Someone moved up from the waiting list: for which activity, with how many people."""

    kind: ClassVar = NoticeKind.SEAT_AVAILABLE
    user_id: int
    activity: ActivityView
    people: int


@dataclass(frozen=True)
class BroadcastProgress:
    """The coordinator's progress message of a batch shows how far it is."""

    kind: ClassVar = NoticeKind.BROADCAST_PROGRESS
    chat_id: int
    message_id: int
    heading: str
    final_markup: dict[str, Any] | None
    done: int
    total: int
    delivered: int
    blocked: int
    failed: int
    finished: bool


@dataclass(frozen=True)
class SurveyInvitation:
    """Opted-in residents are asked to take part in a survey (or, once, reminded of it)."""

    kind: ClassVar = NoticeKind.SURVEY_INVITATION
    survey: SurveyView
    resident_ids: tuple[int, ...]
    reminder: bool = False


@dataclass(frozen=True)
class OrganiserAppointed:
    """A resident hears they organise a werkgroep's activities for a kern."""

    kind: ClassVar = NoticeKind.ORGANISER_APPOINTED
    user_id: int
    werkgroep: str
    kern_name: str


Notice = (
    CardPosted
    | CardReopened
    | CardTaken
    | CardWithdrawn
    | RequestBumped
    | HelperFound
    | HelperGaveBack
    | AskIfDone
    | NoVolunteerYet
    | RequestReferred
    | RouteChosen
    | ThanksToHelper
    | RequestWithdrawn
    | WeeklyOffer
    | HelperReminder
    | AssignedByCoordinator
    | RequestForCoordinators
    | NoVolunteerFound
    | Complaint
    | ResidentStopped
    | CallBackRequested
    | DangerReported
    | MediaReceived
    | NewVolunteer
    | VolunteerStopped
    | VolunteerDecided
    | ActivityPublished
    | ActivityCancelled
    | ActivityReminder
    | SeatAvailable
    | BroadcastProgress
    | SurveyInvitation
    | OrganiserAppointed
)


class DroppedNotices(RuntimeError):
    """A commit would have lost notices nobody rendered: commit through a unit of work."""


def tell(session: Session, notice: Notice) -> None:
    """Record that `notice` must be told once this session's transaction commits."""
    session.info.setdefault(NOTICES, []).append(notice)


def pending_notices(session: Session) -> list[Notice]:
    """The notices recorded and not yet rendered (a copy)."""
    return list(session.info.get(NOTICES, ()))


def take_notices(session: Session) -> list[Notice]:
    """Remove and return the pending notices, for rendering."""
    return session.info.pop(NOTICES, [])


def forget_notices_since(session: Session, count: int) -> None:
    """Drop the notices recorded after the first `count` (their savepoint was rolled back)."""
    del session.info.get(NOTICES, [])[count:]


@event.listens_for(Session, "before_commit")
def _refuse_dropped_notices(session: Session) -> None:
    if session.info.get(NOTICES) and not session.in_nested_transaction():  # a savepoint keeps them
        kinds = sorted({notice.kind for notice in session.info[NOTICES]})
        raise DroppedNotices(f"commit with unrendered notices: {', '.join(kinds)}")


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back_notices(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(NOTICES, None)
