"""Volunteers as the desk shows them: sign-ups to decide, active or paused, categories, places and hours; the
CSV of re-integration hours per helper and month. A coordinator sees the volunteers of their municipality."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.services import export
from bot.services.desk_roles import DeskIdentity, DeskPermission
from bot.services.volunteers import municipalities_of
from db.models import HelpRequest, Neighbourhood, User, Volunteer, VolunteerArea, VolunteerStatus

HELPER_CODE = re.compile(r"[A-Za-z0-9-]{1,20}")
HELPER_CODE_LENGTH = 20
SHOWN = (VolunteerStatus.PENDING, VolunteerStatus.APPROVED, VolunteerStatus.PAUSED)


class VolunteerChange(StrEnum):
    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class VolunteerRow:
    """One volunteer on the desk."""

    user_id: int
    name: str
    status: str
    categories: tuple[str, ...]
    places: tuple[str, ...]
    reintegration: bool
    hours_this_month: float
    helper_code: str | None = None


def may_manage_volunteer(session: Session, reader: DeskIdentity, volunteer_id: int) -> bool:
    """A coordinator of one of the volunteer's municipalities (or of all)."""
    if not reader.may(DeskPermission.VOLUNTEERS):
        return False
    areas = set(
        session.exec(select(VolunteerArea.neighbourhood_slug).where(VolunteerArea.volunteer_id == volunteer_id))
    )
    return reader.all_municipalities or any(reader.covers(slug) for slug in municipalities_of(session, areas))


def _hours_by_volunteer(session: Session, ids: list[int], since: datetime) -> dict[int, float]:
    query = select(HelpRequest.claimed_by, HelpRequest.minutes_spent).where(
        HelpRequest.claimed_by.in_(ids), HelpRequest.done_at >= since, HelpRequest.minutes_spent.is_not(None)
    )
    minutes: dict[int, int] = defaultdict(int)
    for volunteer_id, spent in session.exec(query):
        minutes[volunteer_id] += spent
    return {volunteer_id: round(total / 60, 1) for volunteer_id, total in minutes.items()}


def volunteer_rows(session: Session, *, reader: DeskIdentity, month_start: datetime) -> list[VolunteerRow]:
    """Sign-ups first, then active and paused volunteers, by name; with their hours since `month_start`."""
    if not reader.may(DeskPermission.VOLUNTEERS):
        return []
    query = (
        select(Volunteer, User)
        .join(User, User.id == Volunteer.user_id)
        .where(Volunteer.status.in_(SHOWN))
        .order_by(Volunteer.status != VolunteerStatus.PENDING, User.first_name, User.id)
    )
    places: dict[int, list[Neighbourhood]] = defaultdict(list)
    for volunteer_id, place in session.exec(
        select(VolunteerArea.volunteer_id, Neighbourhood).join(
            Neighbourhood, Neighbourhood.slug == VolunteerArea.neighbourhood_slug
        )
    ):
        places[volunteer_id].append(place)
    rows = [
        (volunteer, user)
        for volunteer, user in session.exec(query)
        if reader.all_municipalities
        or any(reader.covers(place.municipality_slug) for place in places[volunteer.user_id])
    ]
    hours = _hours_by_volunteer(session, [volunteer.user_id for volunteer, _user in rows], month_start)
    return [
        VolunteerRow(
            user_id=volunteer.user_id,
            name=user.first_name or str(user.id),
            status=volunteer.status,
            categories=tuple(volunteer.categories),
            places=tuple(sorted(place.name for place in places[volunteer.user_id])),
            reintegration=volunteer.reintegration,
            hours_this_month=hours.get(volunteer.user_id, 0.0),
            helper_code=volunteer.helper_code,
        )
        for volunteer, user in rows
    ]


def reintegration_hours_csv(
    session: Session, *, reader: DeskIdentity, start: datetime, end: datetime, zone: ZoneInfo, out: TextIO
) -> int:
    """Hours per re-integration helper the reader manages, and month (finished requests), by helper code."""
    helpers = {row.user_id for row in volunteer_rows(session, reader=reader, month_start=end) if row.reintegration}
    return export.reintegration_hours_csv(session, start=start, end=end, zone=zone, out=out, volunteer_ids=helpers)


def set_helper_code(session: Session, *, volunteer_id: int, code: str) -> bool:
    """A re-integration helper's code (letters, digits and hyphens; empty clears it); False when nothing changed."""
    code = code.strip()
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None or not volunteer.reintegration or (code and not HELPER_CODE.fullmatch(code)):
        return False
    if (volunteer.helper_code or "") == code:
        return False
    volunteer.helper_code = code or None
    session.add(volunteer)
    return True
