"""Publishing an activity to its groups and opted-in residents, and cancelling it; each once, as one batch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from bot.services.activities.drafts import activity_view, may_manage
from bot.services.broadcasts import start_broadcast, watch_progress
from bot.services.notices import ActivityCancelled, ActivityPublished, tell
from bot.services.views import ActivityView
from db.models import (
    Activity,
    ActivityRsvp,
    ActivityStatus,
    GroupLink,
    Neighbourhood,
    RsvpStatus,
    Timer,
    TimerKind,
    User,
)

REMIND_BEFORE = timedelta(days=1)


class CancelOutcome(StrEnum):
    CANCELLED = "cancelled"
    NOT_ALLOWED = "not_allowed"
    NOT_PUBLISHED = "not_published"


@dataclass(frozen=True)
class Publication:
    """A published activity and how many messages its batch holds."""

    activity: ActivityView
    total: int


@dataclass(frozen=True)
class Cancellation:
    outcome: CancelOutcome
    activity: ActivityView | None = None


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
    activity: Activity,
    *,
    from_status: ActivityStatus,
    only_if: tuple[Any, ...] = (),
    **values: Any,
) -> bool:
    """Move an activity out of `from_status`, once; the row is fresh afterwards."""
    result = session.exec(
        update(Activity).where(Activity.id == activity.id, Activity.status == from_status, *only_if).values(**values)
    )
    if result.rowcount != 1:
        return False
    session.refresh(activity)
    return True


def publish_activity(
    session: Session,
    *,
    activity_id: int,
    coordinator_id: int,
    progress_chat_id: int,
    progress_message_id: int | None,
    now: datetime,
) -> Publication | None:
    """Publish a complete draft once: one batch to groups and residents, progress and the reminder armed.

    The progress shows in the message `progress_message_id` (the pressed preview); without one, none is shown.
    """
    activity = session.get(Activity, activity_id)
    if activity is None or not may_manage(session, coordinator_id, activity):
        return None
    published = _move(
        session,
        activity,
        from_status=ActivityStatus.DRAFT,
        only_if=(Activity.starts_at.is_not(None),),
        status=ActivityStatus.PUBLISHED,
        published_at=now,
    )
    if not published:
        return None
    broadcast = start_broadcast(
        session,
        kind="activity",
        ref_id=activity.id,
        now=now,
        chat_id=progress_chat_id,
        message_id=progress_message_id,
    )
    groups, residents = audience(session, activity)
    view = activity_view(session, activity)
    tell(
        session,
        ActivityPublished(
            broadcast_id=broadcast.id,
            activity=view,
            coordinator_id=coordinator_id,
            group_chat_ids=tuple(groups),
            resident_ids=tuple(residents),
        ),
    )
    watch_progress(session, broadcast, now=now)
    if activity.starts_at - REMIND_BEFORE > now:
        session.add(
            Timer(kind=TimerKind.ACTIVITY_REMINDER, ref_id=activity.id, due_at=activity.starts_at - REMIND_BEFORE)
        )
    return Publication(activity=view, total=len(groups) + len(residents))


def cancel_activity(
    session: Session,
    *,
    activity_id: int,
    coordinator_id: int,
    progress_chat_id: int | None,
    progress_message_id: int | None,
    now: datetime,
) -> Cancellation:
    """Cancel a published activity once; everyone who answered and the groups hear it."""
    activity = session.get(Activity, activity_id)
    if activity is None or not may_manage(session, coordinator_id, activity):
        return Cancellation(CancelOutcome.NOT_ALLOWED)
    if not _move(
        session, activity, from_status=ActivityStatus.PUBLISHED, status=ActivityStatus.CANCELLED, cancelled_at=now
    ):
        return Cancellation(CancelOutcome.NOT_PUBLISHED)
    broadcast = start_broadcast(
        session,
        kind="activity_cancelled",
        ref_id=activity.id,
        now=now,
        chat_id=progress_chat_id,
        message_id=progress_message_id,
    )
    groups, _residents = audience(session, activity)
    answered = session.exec(
        select(ActivityRsvp.user_id).where(
            ActivityRsvp.activity_id == activity_id,
            ActivityRsvp.status.in_((RsvpStatus.GOING, RsvpStatus.WAITING)),
        )
    ).all()
    view = activity_view(session, activity)
    tell(
        session,
        ActivityCancelled(
            broadcast_id=broadcast.id,
            activity=view,
            coordinator_id=coordinator_id,
            group_chat_ids=tuple(groups),
            attendee_ids=tuple(answered),
        ),
    )
    watch_progress(session, broadcast, now=now)
    session.exec(
        update(Timer)
        .where(Timer.kind == TimerKind.ACTIVITY_REMINDER, Timer.ref_id == activity_id, Timer.fired_at.is_(None))
        .values(fired_at=now)
    )
    return Cancellation(CancelOutcome.CANCELLED, view)
