"""A survey's results per kern and question, counted in the database; and its CSV, without any personal data."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from sqlalchemy import func
from sqlmodel import Session, select

from bot.services.access import Scope, coordinates, scope_of
from bot.services.surveys.views import QuestionView, SurveyView, survey_view
from db.models import InviteState, QuestionKind, Survey, SurveyAnswer, SurveyInvite, SurveyPoll, SurveyStatus

SCALE = (1, 2, 3, 4, 5)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class KernResult:
    """One question in one kern: counts per choice (a poll's options, or the marks 1 to 5), or the typed answers."""

    kern: str
    counts: tuple[int, ...] = ()
    texts: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.counts) if self.counts else len(self.texts)

    @property
    def average(self) -> float | None:
        """The mean mark of a scale question."""
        return sum(mark * n for mark, n in zip(SCALE, self.counts, strict=False)) / self.total if self.total else None


@dataclass(frozen=True)
class QuestionResult:
    question: QuestionView
    kernen: tuple[KernResult, ...]


@dataclass(frozen=True)
class SurveyResults:
    """Who took part per kern (invited, finished, stopped) and every question's results per kern."""

    survey: SurveyView
    invited: dict[str, int] = field(default_factory=dict)
    finished: dict[str, int] = field(default_factory=dict)
    stopped: dict[str, int] = field(default_factory=dict)
    questions: tuple[QuestionResult, ...] = ()


def surveys_for(session: Session, *, coordinator_id: int, limit: int = 10) -> list[SurveyView] | None:
    """The latest published surveys a coordinator may see (None for anyone but a coordinator)."""
    scope = scope_of(session, coordinator_id)
    if scope is None:
        return None
    query = select(Survey).where(Survey.status == SurveyStatus.PUBLISHED)
    if scope != Scope.ALL:
        query = query.where(Survey.municipality_slug == scope.municipality_slug)
    found = session.exec(query.order_by(Survey.published_at.desc(), Survey.id.desc()).limit(limit))
    return [survey_view(session, survey) for survey in found]


def _by_kern(session: Session, survey_id: int, state: InviteState | None) -> dict[str, int]:
    query = select(SurveyInvite.neighbourhood_slug, func.count()).where(SurveyInvite.survey_id == survey_id)
    if state is not None:
        query = query.where(SurveyInvite.state == state)
    return dict(session.exec(query.group_by(SurveyInvite.neighbourhood_slug)).all())


def _question(session: Session, question: QuestionView, kernen: tuple[tuple[str, str], ...]) -> QuestionResult:
    per_kern: list[KernResult] = []
    if question.kind == QuestionKind.POLL:
        totals: dict[str, list[int]] = {}
        polls = select(SurveyPoll.neighbourhood_slug, SurveyPoll.counts).where(SurveyPoll.question_id == question.id)
        for kern, counts in session.exec(polls):
            kept = totals.setdefault(kern, [0] * len(question.options))
            for index, count in enumerate(counts[: len(kept)]):
                kept[index] += count
        for slug, name in kernen:
            per_kern.append(KernResult(name, counts=tuple(totals.get(slug, [0] * len(question.options)))))
    elif question.kind == QuestionKind.SCALE:
        marks = session.exec(
            select(SurveyAnswer.neighbourhood_slug, SurveyAnswer.value, func.count())
            .where(SurveyAnswer.question_id == question.id)
            .group_by(SurveyAnswer.neighbourhood_slug, SurveyAnswer.value)
        )
        counted: dict[str, Counter] = {}
        for kern, mark, count in marks:
            counted.setdefault(kern, Counter())[mark] = count
        for slug, name in kernen:
            per_kern.append(KernResult(name, counts=tuple(counted.get(slug, Counter())[mark] for mark in SCALE)))
    else:
        texts: dict[str, list[str]] = {}
        typed = select(SurveyAnswer.neighbourhood_slug, SurveyAnswer.text)
        for kern, text in session.exec(typed.where(SurveyAnswer.question_id == question.id).order_by(SurveyAnswer.id)):
            texts.setdefault(kern, []).append(text or "")
        for slug, name in kernen:
            per_kern.append(KernResult(name, texts=tuple(texts.get(slug, []))))
    return QuestionResult(question, tuple(per_kern))


def survey_results(session: Session, *, survey_id: int, coordinator_id: int) -> SurveyResults | None:
    """The results of a published survey for a coordinator of its municipality (else None)."""
    survey = session.get(Survey, survey_id)
    if survey is None or survey.status != SurveyStatus.PUBLISHED:
        return None
    if not coordinates(session, coordinator_id, survey.municipality_slug):
        return None
    view = survey_view(session, survey)
    names = dict(view.kernen)
    return SurveyResults(
        survey=view,
        invited={names.get(k, k): n for k, n in _by_kern(session, survey_id, None).items()},
        finished={names.get(k, k): n for k, n in _by_kern(session, survey_id, InviteState.DONE).items()},
        stopped={names.get(k, k): n for k, n in _by_kern(session, survey_id, InviteState.STOPPED).items()},
        questions=tuple(_question(session, question, view.kernen) for question in view.questions),
    )


def write_results_csv(results: SurveyResults, out: TextIO) -> int:
    """One row per question, kern and choice (or typed answer): counts and words, never who; the number of rows."""
    writer = csv.writer(out)
    writer.writerow(["vraag", "soort", "tekst", "kern", "antwoord", "aantal"])
    rows = 0
    for result in results.questions:
        question = result.question
        for kern in result.kernen:
            if question.kind == QuestionKind.OPEN:
                pairs = [(text, 1) for text in kern.texts]
            else:
                labels = question.options if question.kind == QuestionKind.POLL else [str(mark) for mark in SCALE]
                pairs = list(zip(labels, kern.counts, strict=False))
            for label, count in pairs:
                cells = [question.position + 1, question.kind, question.text, kern.kern, label, count]
                writer.writerow([_plain_cell(cell) for cell in cells])
                rows += 1
    return rows


def _plain_cell(value: object) -> object:
    """A typed text that a spreadsheet would read as a formula is kept as text."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value
