"""The day before an activity, everyone on its list hears it once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from bot.config import Settings
from bot.services.activities.drafts import activity_view
from bot.services.broadcasts import start_broadcast
from bot.services.notices import ActivityReminder, tell
from db.models import Activity, ActivityRsvp, ActivityStatus, RsvpStatus, Timer


def remind_attendees(session: Session, timer: Timer, now: datetime, settings: Settings) -> bool:
    """Timer "activity_reminder": one batch to everyone coming."""
    activity = session.get(Activity, timer.ref_id)
    if activity is None or activity.status != ActivityStatus.PUBLISHED:
        return True
    going = session.exec(
        select(ActivityRsvp.user_id).where(
            ActivityRsvp.activity_id == activity.id, ActivityRsvp.status == RsvpStatus.GOING
        )
    ).all()
    broadcast = start_broadcast(session, kind="activity_reminder", ref_id=activity.id, now=now)
    tell(
        session,
        ActivityReminder(
            broadcast_id=broadcast.id, activity=activity_view(session, activity), attendee_ids=tuple(going)
        ),
    )
    return True
