"""A whole survey at once (the desk's form): checked by the chat builder's rules, built with the same draft steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Session

from bot.services.places import areas_of
from bot.services.surveys.drafts import (
    MAX_TITLE,
    add_question,
    date_problem,
    options_fit,
    start_survey,
    survey_draft,
    update_survey,
)
from bot.services.surveys.views import MAX_QUESTIONS, SurveyView
from db.models import QuestionKind


class PlanProblem(StrEnum):
    NO_TITLE = "no_title"
    NO_KERN = "no_kern"
    NO_DATES = "no_dates"
    PAST = "past"
    BEFORE_START = "before_start"
    TOO_LONG = "too_long"
    NO_QUESTIONS = "no_questions"
    TOO_MANY_QUESTIONS = "too_many_questions"
    NO_KIND = "no_kind"
    NO_TEXT = "no_text"
    OPTIONS = "options"


@dataclass(frozen=True)
class QuestionPlan:
    """One question as typed: its kind ("poll", "scale", "open"), words and a poll's choices."""

    kind: str
    text: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurveyPlan:
    """Everything the chat builder asks, in one go."""

    municipality_slug: str
    title: str
    kernen: tuple[str, ...]
    starts_on: date | None
    ends_on: date | None
    questions: tuple[QuestionPlan, ...]


@dataclass(frozen=True)
class Problem:
    """What is wrong, and with which question (1 first), if it is about one."""

    kind: PlanProblem
    question: int | None = None


def plan_problems(session: Session, plan: SurveyPlan, today: date) -> list[Problem]:
    """Everything wrong with a plan by the chat's rules; empty when it may be built."""
    problems = []
    if not plan.title.strip():
        problems.append(Problem(PlanProblem.NO_TITLE))
    areas = {area.slug for area in areas_of(session, plan.municipality_slug)}
    if not plan.kernen or not set(plan.kernen) <= areas:
        problems.append(Problem(PlanProblem.NO_KERN))
    if plan.starts_on is None or plan.ends_on is None:
        problems.append(Problem(PlanProblem.NO_DATES))
    elif (wrong := date_problem(plan.starts_on, plan.ends_on, today)) is not None:
        problems.append(Problem(PlanProblem(wrong.value)))
    if not plan.questions:
        problems.append(Problem(PlanProblem.NO_QUESTIONS))
    if len(plan.questions) > MAX_QUESTIONS:
        problems.append(Problem(PlanProblem.TOO_MANY_QUESTIONS))
    for number, question in enumerate(plan.questions, start=1):
        problems += [Problem(kind, number) for kind in _question_problems(question)]
    return problems


def _question_problems(question: QuestionPlan) -> list[PlanProblem]:
    if question.kind not in {kind.value for kind in QuestionKind}:
        return [PlanProblem.NO_KIND]
    problems = [] if question.text.strip() else [PlanProblem.NO_TEXT]
    if question.kind == QuestionKind.POLL and not options_fit(list(question.options)):
        problems.append(PlanProblem.OPTIONS)
    return problems


def build_survey(session: Session, *, coordinator_id: int, plan: SurveyPlan, now: datetime) -> SurveyView | None:
    """The draft of a checked plan, made step by step as in chat; None if the coordinator may not work there."""
    survey = start_survey(session, coordinator_id=coordinator_id, municipality_slug=plan.municipality_slug, now=now)
    if survey is None:
        return None
    update_survey(
        session,
        survey_id=survey.id,
        coordinator_id=coordinator_id,
        title=plan.title.strip()[:MAX_TITLE],
        neighbourhoods=sorted(set(plan.kernen)),
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
    )
    for question in plan.questions:
        kind = QuestionKind(question.kind)
        options = list(question.options) if kind is QuestionKind.POLL else []
        add_question(
            session,
            survey_id=survey.id,
            coordinator_id=coordinator_id,
            kind=kind,
            text=question.text.strip(),
            options=options,
        )
    return survey_draft(session, survey_id=survey.id, coordinator_id=coordinator_id)
