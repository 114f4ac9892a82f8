"""Activities on the desk: a draft with all its fields at once, the list of who comes and who waits, publishing,
cancelling and how far the sending is. Coordinators only, of the activity's municipality (the activities services
check it again)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from bot.services.activities.drafts import activity_view, start_draft, update_draft
from bot.services.activities.publishing import (
    Cancellation,
    CancelOutcome,
    Publication,
    cancel_activity,
    publish_activity,
)
from bot.services.activities.rsvp import AttendeeList, attendee_list
from bot.services.broadcasts import Progress, progress_of
from bot.services.desk_roles import DeskIdentity, DeskPermission
from bot.services.views import ActivityView
from db.models import Activity, ActivityStatus, Broadcast, Neighbourhood

TITLE_LIMIT = 100
ACTIVITY_BROADCASTS = ("activity", "activity_cancelled")  # the kinds of batch an activity's sending is
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


def activities_for(session: Session, *, reader: DeskIdentity, now: datetime) -> list[ActivityView]:
    """Drafts and activities still to come that the reader may manage, soonest first."""
    if not reader.may(DeskPermission.ACTIVITIES):
        return []
    coming = (Activity.status == ActivityStatus.PUBLISHED) & (Activity.starts_at > now)
    query = select(Activity).where((Activity.status == ActivityStatus.DRAFT) | coming)
    if not reader.all_municipalities:
        query = query.where(Activity.municipality_slug == reader.municipality_slug)
    return [
        activity_view(session, activity) for activity in session.exec(query.order_by(Activity.starts_at, Activity.id))
    ]


def create_activity(session: Session, *, reader: DeskIdentity, draft: ActivityDraft, now: datetime) -> int | None:
    """A draft with every field filled in; None when the reader may not, or a place is not of the municipality."""
    places = set(
        session.exec(select(Neighbourhood.slug).where(Neighbourhood.municipality_slug == draft.municipality_slug))
    )
    if not reader.may(DeskPermission.ACTIVITIES) or not set(draft.neighbourhoods) <= places:
        return None
    started = start_draft(session, coordinator_id=reader.user_id, municipality_slug=draft.municipality_slug, now=now)
    if started is None:
        return None
    update_draft(
        session,
        activity_id=started.id,
        coordinator_id=reader.user_id,
        title=draft.title.strip()[:TITLE_LIMIT],
        description=draft.description.strip()[:TEXT_LIMIT],
        starts_at=draft.starts_at,
        place=draft.place.strip()[:TITLE_LIMIT],
        neighbourhoods=list(draft.neighbourhoods),
        capacity=max(0, draft.capacity),
        cost_cents=draft.cost_cents,
    )
    return started.id


def activity_with_people(session: Session, *, reader: DeskIdentity, activity_id: int) -> AttendeeList | None:
    """The activity with who comes and who waits, if the reader may manage it."""
    if not reader.may(DeskPermission.ACTIVITIES):
        return None
    return attendee_list(session, activity_id=activity_id, coordinator_id=reader.user_id)


def publish(session: Session, *, reader: DeskIdentity, activity_id: int, now: datetime) -> Publication | None:
    """Publish a draft to its groups and residents once; None when not allowed or not a complete draft."""
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
    )


def cancel(session: Session, *, reader: DeskIdentity, activity_id: int, now: datetime) -> Cancellation:
    """Cancel a published activity once: who answered and the groups hear it, as from the chat."""
    if not reader.may(DeskPermission.ACTIVITIES):
        return Cancellation(CancelOutcome.NOT_ALLOWED)
    return cancel_activity(
        session,
        activity_id=activity_id,
        coordinator_id=reader.user_id,
        progress_chat_id=None,
        progress_message_id=None,
        now=now,
    )


def sending_progress(session: Session, *, activity_id: int) -> Progress | None:
    """How far the activity's latest announcement or cancellation has been sent, if it was."""
    latest = session.exec(
        select(Broadcast.id)
        .where(Broadcast.ref_id == activity_id, Broadcast.kind.in_(ACTIVITY_BROADCASTS))
        .order_by(Broadcast.id.desc())
        .limit(1)
    ).first()
    return progress_of(session, latest) if latest is not None else None
