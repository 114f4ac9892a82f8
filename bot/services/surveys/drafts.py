"""A survey before it is sent: a draft only coordinators of its municipality may start and edit."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from bot.services.access import coordinates
from bot.services.places import areas_of
from bot.services.surveys.views import MAX_QUESTIONS, SurveyView, questions_of, survey_view
from db.models import QuestionKind, Survey, SurveyQuestion, SurveyStatus

EDITABLE = frozenset({"title", "neighbourhoods", "starts_on", "ends_on"})
MAX_DAYS = 92
MAX_TITLE = 100
MIN_OPTIONS = 2
MAX_OPTIONS = 10
MAX_OPTION_LENGTH = 100
MAX_QUESTION_LENGTH = 300  # Telegram's limit for a poll's question


class DateProblem(StrEnum):
    PAST = "past"
    BEFORE_START = "before_start"
    TOO_LONG = "too_long"


def start_survey(session: Session, *, coordinator_id: int, municipality_slug: str, now: datetime) -> SurveyView | None:
    """A new draft survey, if this coordinator may work in the municipality."""
    if not coordinates(session, coordinator_id, municipality_slug):
        return None
    survey = Survey(municipality_slug=municipality_slug, created_by=coordinator_id, created_at=now)
    session.add(survey)
    session.flush()
    return survey_view(session, survey)


def _editable(session: Session, survey_id: int, coordinator_id: int) -> Survey | None:
    survey = session.get(Survey, survey_id)
    if survey is None or survey.status != SurveyStatus.DRAFT:
        return None
    return survey if coordinates(session, coordinator_id, survey.municipality_slug) else None


def survey_draft(session: Session, *, survey_id: int, coordinator_id: int) -> SurveyView | None:
    """A draft the coordinator may edit, or None."""
    survey = _editable(session, survey_id, coordinator_id)
    return survey_view(session, survey) if survey is not None else None


def update_survey(session: Session, *, survey_id: int, coordinator_id: int, **fields: Any) -> SurveyView | None:
    """Change fields of a draft the coordinator may edit."""
    survey = _editable(session, survey_id, coordinator_id)
    if survey is None:
        return None
    for name, value in fields.items():
        if name not in EDITABLE:
            raise ValueError(f"not a field of a survey draft: {name}")
        setattr(survey, name, value)
    session.add(survey)
    session.flush()
    return survey_view(session, survey)


def toggle_kern(session: Session, *, survey_id: int, coordinator_id: int, kern_slug: str) -> SurveyView | None:
    """Add or remove one kern/wijk of the draft's municipality; None for a draft that is gone or another place."""
    survey = _editable(session, survey_id, coordinator_id)
    if survey is None or kern_slug not in {area.slug for area in areas_of(session, survey.municipality_slug)}:
        return None
    chosen = sorted(set(survey.neighbourhoods) ^ {kern_slug})
    return update_survey(session, survey_id=survey_id, coordinator_id=coordinator_id, neighbourhoods=chosen)


def all_kernen(session: Session, *, survey_id: int, coordinator_id: int) -> SurveyView | None:
    """Every kern and wijk of the draft's municipality."""
    survey = _editable(session, survey_id, coordinator_id)
    if survey is None:
        return None
    slugs = [area.slug for area in areas_of(session, survey.municipality_slug)]
    return update_survey(session, survey_id=survey_id, coordinator_id=coordinator_id, neighbourhoods=slugs)


def date_problem(start: date, end: date | None, today: date) -> DateProblem | None:
    """What is wrong with a start (and end) date, if anything."""
    if start < today:
        return DateProblem.PAST
    if end is not None and end < start:
        return DateProblem.BEFORE_START
    if end is not None and end - start > timedelta(days=MAX_DAYS):
        return DateProblem.TOO_LONG
    return None


def add_question(
    session: Session, *, survey_id: int, coordinator_id: int, kind: QuestionKind, text: str, options: list[str]
) -> SurveyView | None:
    """Add a question at the end (at most ten); a poll needs 2 to 10 choices."""
    survey = _editable(session, survey_id, coordinator_id)
    if survey is None:
        return None
    count = len(questions_of(session, survey_id))
    if count >= MAX_QUESTIONS:
        return survey_view(session, survey)
    if kind is QuestionKind.POLL and not options_fit(options):
        raise ValueError("a poll has 2 to 10 choices")
    session.add(
        SurveyQuestion(
            survey_id=survey_id,
            position=count,
            kind=kind,
            text=text[:MAX_QUESTION_LENGTH],
            options=[option[:MAX_OPTION_LENGTH] for option in options] if kind is QuestionKind.POLL else [],
        )
    )
    session.flush()
    return survey_view(session, survey)


def poll_options(text: str) -> list[str]:
    """The choices of a poll, typed one per line (or separated by commas when on one line)."""
    lines = [line.strip(" -•*\t") for line in text.splitlines()]
    if len([line for line in lines if line]) < 2:
        lines = [part.strip() for part in text.split(",")]
    return [line[:MAX_OPTION_LENGTH] for line in lines if line]


def options_fit(options: list[str]) -> bool:
    """Whether a poll has enough choices, and not too many."""
    return MIN_OPTIONS <= len(options) <= MAX_OPTIONS
