"""Sending a survey: published once, opened on its start day for the opted-in residents of its kernen, one reminder.

Both moments are timer rows (`SURVEY_START`, `SURVEY_REMINDER`), at ten in the morning where the residents live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from bot.config import Settings
from bot.dates import local_today
from bot.services.access import coordinates
from bot.services.notices import SurveyInvitation, tell
from bot.services.surveys.views import SurveyView, questions_of, survey_view
from db.models import InviteState, Neighbourhood, Survey, SurveyInvite, SurveyStatus, Timer, TimerKind, User

SEND_HOUR = 10
WAITING = (InviteState.INVITED, InviteState.ANSWERING)


@dataclass(frozen=True)
class SurveyPublication:
    """A survey that will be sent, and to how many residents as things stand."""

    survey: SurveyView
    residents: int


def morning_of(day: date, settings: Settings) -> datetime:
    """Ten in the morning of `day` where the residents live, in UTC."""
    return datetime.combine(day, time(SEND_HOUR), tzinfo=settings.time_zone).astimezone(UTC)


def reminder_day(survey: Survey) -> date | None:
    """Halfway through the survey, at least a day after it opened; None when it is too short for a reminder."""
    day = survey.starts_on + timedelta(days=max(1, (survey.ends_on - survey.starts_on).days // 2))
    return day if day <= survey.ends_on else None


def is_open(survey: Survey, today: date) -> bool:
    """A published survey within its dates."""
    return survey.status == SurveyStatus.PUBLISHED and survey.starts_on <= today <= survey.ends_on


def audience(session: Session, survey: Survey) -> list[tuple[int, str]]:
    """(user id, kern) of every opted-in resident who lives in one of the survey's kernen (or a buurt of one)."""
    kern = Neighbourhood.parent_slug
    query = (
        select(User.id, User.neighbourhood_slug, kern)
        .join(Neighbourhood, Neighbourhood.slug == User.neighbourhood_slug)
        .where(
            User.activity_news.is_(True),
            User.has_private_chat.is_(True),
            User.reachable.is_(True),
            User.forgotten_at.is_(None),
        )
        .order_by(User.id)
    )
    chosen = set(survey.neighbourhoods)
    found = []
    for user_id, place, parent in session.exec(query):
        area = place if place in chosen else parent
        if area in chosen:
            found.append((user_id, area))
    return found


def publish_survey(
    session: Session, *, survey_id: int, coordinator_id: int, now: datetime, settings: Settings
) -> SurveyPublication | None:
    """Publish a complete draft once: the invitations go out on its first day, the reminder halfway."""
    survey = session.get(Survey, survey_id)
    if survey is None or not coordinates(session, coordinator_id, survey.municipality_slug):
        return None
    complete = survey.neighbourhoods and survey.starts_on and survey.ends_on and questions_of(session, survey_id)
    if not complete:
        return None
    moved = session.exec(
        update(Survey)
        .where(Survey.id == survey_id, Survey.status == SurveyStatus.DRAFT)
        .values(status=SurveyStatus.PUBLISHED, published_at=now)
    )
    if moved.rowcount != 1:
        return None
    session.refresh(survey)
    opens = max(now, morning_of(survey.starts_on, settings))
    session.add(Timer(kind=TimerKind.SURVEY_START, ref_id=survey.id, due_at=opens))
    day = reminder_day(survey)
    if day is not None:
        session.add(Timer(kind=TimerKind.SURVEY_REMINDER, ref_id=survey.id, due_at=morning_of(day, settings)))
    return SurveyPublication(survey=survey_view(session, survey), residents=len(audience(session, survey)))


def open_survey(session: Session, timer: Timer, now: datetime, settings: Settings) -> bool:
    """The start day: every opted-in resident of the kernen is invited once (at night, it waits for the morning)."""
    survey = session.get(Survey, timer.ref_id)
    today = local_today(now, settings.time_zone)
    if survey is None or not is_open(survey, today):
        return True
    hour, (night, morning) = now.astimezone(settings.time_zone).hour, settings.quiet_hours
    if hour >= night or hour < morning:
        timer.due_at = morning_of(today if hour < morning else today + timedelta(days=1), settings)
        return False
    invited = set(session.exec(select(SurveyInvite.user_id).where(SurveyInvite.survey_id == survey.id)))
    new = [(user_id, kern) for user_id, kern in audience(session, survey) if user_id not in invited]
    for user_id, kern in new:
        session.add(SurveyInvite(survey_id=survey.id, user_id=user_id, neighbourhood_slug=kern, updated_at=now))
    if new:
        tell(session, SurveyInvitation(survey=survey_view(session, survey), resident_ids=tuple(u for u, _k in new)))
    return True


def remind_residents(session: Session, timer: Timer, now: datetime, settings: Settings) -> bool:
    """Halfway: the residents who have neither finished nor stopped hear of it once more."""
    survey = session.get(Survey, timer.ref_id)
    if survey is None or not is_open(survey, local_today(now, settings.time_zone)):
        return True
    waiting = session.exec(
        select(SurveyInvite.user_id)
        .where(SurveyInvite.survey_id == survey.id, SurveyInvite.state.in_(WAITING))
        .order_by(SurveyInvite.user_id)
    ).all()
    if waiting:
        view = survey_view(session, survey)
        tell(session, SurveyInvitation(survey=view, resident_ids=tuple(waiting), reminder=True))
    return True
