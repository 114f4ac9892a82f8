"""An activity before it is published: a draft only coordinators of its municipality (or the organiser of a
werkgroep, for their own kern) may start and edit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from bot.services.access import publishes_for
from bot.services.places import areas_of
from bot.services.views import ActivityView
from db.models import Activity, ActivityStatus, Municipality, Neighbourhood

EDITABLE = frozenset({"title", "description", "starts_at", "place", "neighbourhoods", "capacity", "cost_cents"})


def activity_view(session: Session, activity: Activity) -> ActivityView:
    """An activity row as plain values, with the names of the places it is for."""
    return ActivityView(
        id=activity.id,
        municipality_slug=activity.municipality_slug,
        title=activity.title,
        description=activity.description,
        starts_at=activity.starts_at,
        place=activity.place,
        area_names=area_names(session, activity),
        neighbourhoods=tuple(activity.neighbourhoods),
        capacity=activity.capacity,
        cost_cents=activity.cost_cents,
        status=activity.status,
        seats_taken=activity.seats_taken,
    )


def area_names(session: Session, activity: Activity) -> str:
    """The neighbourhoods of an activity, or its municipality."""
    if activity.neighbourhoods:
        places = session.exec(select(Neighbourhood).where(Neighbourhood.slug.in_(activity.neighbourhoods)))
        return ", ".join(sorted(place.name for place in places))
    municipality = session.get(Municipality, activity.municipality_slug)
    return municipality.name if municipality else activity.municipality_slug


def may_manage(session: Session, coordinator_id: int, activity: Activity) -> bool:
    """A coordinator of the activity's municipality (or of all), or the organiser of its one kern."""
    return publishes_for(session, coordinator_id, activity.municipality_slug, activity.neighbourhoods)


def start_draft(
    session: Session,
    *,
    coordinator_id: int,
    municipality_slug: str,
    now: datetime,
    neighbourhoods: tuple[str, ...] = (),
) -> ActivityView | None:
    """A new draft activity, if this coordinator (or organiser) may work there."""
    if not publishes_for(session, coordinator_id, municipality_slug, list(neighbourhoods)):
        return None
    activity = Activity(
        municipality_slug=municipality_slug,
        neighbourhoods=list(neighbourhoods),
        created_by=coordinator_id,
        created_at=now,
    )
    session.add(activity)
    session.flush()
    return activity_view(session, activity)


def draft_of(session: Session, *, activity_id: int, coordinator_id: int) -> ActivityView | None:
    """A draft the coordinator may edit, or None."""
    activity = session.get(Activity, activity_id)
    if activity is None or activity.status != ActivityStatus.DRAFT or not may_manage(session, coordinator_id, activity):
        return None
    return activity_view(session, activity)


def update_draft(session: Session, *, activity_id: int, coordinator_id: int, **fields: Any) -> ActivityView | None:
    """Change fields of a draft the coordinator may edit."""
    activity = session.get(Activity, activity_id)
    if activity is None or activity.status != ActivityStatus.DRAFT or not may_manage(session, coordinator_id, activity):
        return None
    if "neighbourhoods" in fields and not publishes_for(
        session, coordinator_id, activity.municipality_slug, list(fields["neighbourhoods"])
    ):
        return None  # an organiser announces for their own kern only
    for name, value in fields.items():
        if name not in EDITABLE:
            raise ValueError(f"not a field of a draft: {name}")
        setattr(activity, name, value)
    session.add(activity)
    session.flush()
    return activity_view(session, activity)


def toggle_area(session: Session, *, activity_id: int, coordinator_id: int, area_slug: str) -> ActivityView | None:
    """Add or remove one kern/wijk of the draft's municipality; None for a draft that is gone or another place."""
    draft = draft_of(session, activity_id=activity_id, coordinator_id=coordinator_id)
    if draft is None or area_slug not in {area.slug for area in areas_of(session, draft.municipality_slug)}:
        return None
    chosen = set(draft.neighbourhoods) ^ {area_slug}
    return update_draft(session, activity_id=activity_id, coordinator_id=coordinator_id, neighbourhoods=sorted(chosen))
