"""Surveys and their questions as plain values that may leave the session that read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from db.models import Neighbourhood, Survey, SurveyQuestion

MAX_QUESTIONS = 10


@dataclass(frozen=True)
class QuestionView:
    """One question: its place in the survey (0 first) of `total`, its kind, words and choices."""

    id: int
    survey_id: int
    position: int
    total: int
    kind: str
    text: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurveyView:
    """A survey with its kernen (slug, name) and questions."""

    id: int
    municipality_slug: str
    title: str
    kernen: tuple[tuple[str, str], ...]
    starts_on: date | None
    ends_on: date | None
    status: str
    questions: tuple[QuestionView, ...]

    @property
    def kern_names(self) -> str:
        return ", ".join(name for _slug, name in self.kernen)


def questions_of(session: Session, survey_id: int) -> list[SurveyQuestion]:
    """A survey's questions in order."""
    query = select(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id).order_by(SurveyQuestion.position)
    return list(session.exec(query))


def question_view(question: SurveyQuestion, total: int) -> QuestionView:
    """A question row as plain values."""
    return QuestionView(
        id=question.id,
        survey_id=question.survey_id,
        position=question.position,
        total=total,
        kind=question.kind,
        text=question.text,
        options=tuple(question.options),
    )


def survey_view(session: Session, survey: Survey) -> SurveyView:
    """A survey row with its kernen and questions as plain values."""
    questions = questions_of(session, survey.id)
    places = select(Neighbourhood.slug, Neighbourhood.name).where(Neighbourhood.slug.in_(survey.neighbourhoods))
    names = dict(session.exec(places).all())
    return SurveyView(
        id=survey.id,
        municipality_slug=survey.municipality_slug,
        title=survey.title,
        kernen=tuple(sorted(((slug, names.get(slug, slug)) for slug in survey.neighbourhoods), key=lambda p: p[1])),
        starts_on=survey.starts_on,
        ends_on=survey.ends_on,
        status=survey.status,
        questions=tuple(question_view(question, len(questions)) for question in questions),
    )
