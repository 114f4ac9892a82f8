"""Activities on the desk: a draft with all its fields at once, its card as residents see it, publishing,
and the list of who comes and who waits. Coordinators only, of the activity's municipality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from bot.config import Settings
from bot.i18n import Translator
from bot.services.activities import DRAFT, PUBLISHED, announcement, attendees, may_manage, publish_activity, start_draft
from bot.services.desk_notices import plain_text
from bot.services.desk_roles import DeskIdentity, DeskPermission
from db.models import Activity, Neighbourhood

TITLE_LIMIT = 100
TEXT_LIMIT = 1000


@dataclass(frozen=True)
class ActivityDraft:
    """What the coordinator filled in."""

    municipality_slug: str
    title: str
    description: str
    starts_at: datetime
    place: str
    neighbourhoods: tuple[str, ...]
    capacity: int
    cost_cents: int | None


@dataclass(frozen=True)
class ActivitySummary:
    activity_id: int
    title: str
    status: str
    starts_at: datetime | None
    seats_taken: int
    capacity: int


@dataclass(frozen=True)
class Attendee:
    name: str
    people: int
    waiting: bool


@dataclass(frozen=True)
class ActivityView:
    """One activity with its card (plain text) and its list."""

    summary: ActivitySummary
    card: str
    going: tuple[Attendee, ...]
    waiting: tuple[Attendee, ...]


def _summary(activity: Activity) -> ActivitySummary:
    return ActivitySummary(
        activity_id=activity.id,
        title=activity.title,
        status=activity.status,
        starts_at=activity.starts_at,
        seats_taken=activity.seats_taken,
        capacity=activity.capacity,
    )


def activities_for(session: Session, *, reader: DeskIdentity, now: datetime) -> list[ActivitySummary]:
    """Drafts and activities still to come that the reader may manage, soonest first."""
    if not reader.may(DeskPermission.ACTIVITIES):
        return []
    query = select(Activity).where(
        (Activity.status == DRAFT) | ((Activity.status == PUBLISHED) & (Activity.starts_at > now))
    )
    if not reader.all_municipalities:
        query = query.where(Activity.municipality_slug == reader.municipality_slug)
    return [_summary(activity) for activity in session.exec(query.order_by(Activity.starts_at, Activity.id))]


def create_activity(session: Session, *, reader: DeskIdentity, draft: ActivityDraft, now: datetime) -> int | None:
    """A draft with every field filled in; None when the reader may not, or a place is not of the municipality."""
    places = set(
        session.exec(select(Neighbourhood.slug).where(Neighbourhood.municipality_slug == draft.municipality_slug))
    )
    if not reader.may(DeskPermission.ACTIVITIES) or not set(draft.neighbourhoods) <= places:
        return None
    activity = start_draft(session, coordinator_id=reader.user_id, municipality_slug=draft.municipality_slug, now=now)
    if activity is None:
        return None
    activity.title = draft.title.strip()[:TITLE_LIMIT]
    activity.description = draft.description.strip()[:TEXT_LIMIT]
    activity.starts_at = draft.starts_at
    activity.place = draft.place.strip()[:TITLE_LIMIT]
    activity.neighbourhoods = list(draft.neighbourhoods)
    activity.capacity = max(0, draft.capacity)
    activity.cost_cents = draft.cost_cents
    session.add(activity)
    session.flush()
    return activity.id


def activity_view(session: Session, *, reader: DeskIdentity, activity_id: int, _: Translator) -> ActivityView | None:
    """The activity with its card and list, if the reader may manage it."""
    activity = session.get(Activity, activity_id)
    if (
        activity is None
        or not reader.may(DeskPermission.ACTIVITIES)
        or not may_manage(session, reader.user_id, activity)
    ):
        return None
    people = [
        Attendee(name=user.first_name or str(user.id), people=rsvp.people, waiting=rsvp.status == "waiting")
        for user, rsvp in attendees(session, activity_id)
    ]
    return ActivityView(
        summary=_summary(activity),
        card=plain_text(announcement(session, activity, _)),
        going=tuple(person for person in people if not person.waiting),
        waiting=tuple(person for person in people if person.waiting),
    )


def publish(
    session: Session, *, reader: DeskIdentity, activity_id: int, now: datetime, settings: Settings
) -> int | None:
    """Publish a draft to its groups and residents; how many messages, or None."""
    if not reader.may(DeskPermission.ACTIVITIES):
        return None
    # The desk has no chat message to show the sending progress in.
    return publish_activity(
        session,
        activity_id=activity_id,
        coordinator_id=reader.user_id,
        progress_chat_id=None,
        progress_message_id=None,
        now=now,
        settings=settings,
    )
