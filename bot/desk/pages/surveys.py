"""Enquêtes: the published surveys, and each one's results per kern and question, with the CSV without names."""

from __future__ import annotations

import io

from starlette.responses import Response

from bot.desk.chart import Chart, bar_chart
from bot.desk.pages import survey_form
from bot.desk.pages.survey_form import show_surveys
from bot.desk.web import Desk, desk_route
from bot.services.desk_roles import DeskPermission
from bot.services.surveys.results import (
    KernResult,
    QuestionResult,
    survey_results,
    write_results_csv,
)


def show_results(desk: Desk) -> Response:
    """One survey's results: who took part per kern, then every question per kern (open answers without names)."""
    with desk.unit_of_work() as uow:
        results = survey_results(uow.session, survey_id=_survey_id(desk), coordinator_id=desk.identity.user_id)
        if results is None:
            return desk.refuse()
        desk.audit(uow.session, "survey_results", municipality_slug=results.survey.municipality_slug)
        uow.commit()
    return desk.render("survey.html", results=results, charts=[answers_chart(result) for result in results.questions])


def answers_chart(result: QuestionResult) -> Chart | None:
    """Per answer a row, per kern a bar named after the kern; None for an open question."""
    if result.question.kind == "open":
        return None
    labels = result.question.options if result.question.kind == "poll" else [str(mark) for mark in range(1, 6)]
    kernen = list(enumerate(result.kernen))
    return bar_chart(
        [
            (label, [(_count(kern, index), f"bar kern-{number % 2}", kern.kern) for number, kern in kernen])
            for index, label in enumerate(labels)
        ]
    )


def _count(kern: KernResult, index: int) -> int:
    return kern.counts[index] if index < len(kern.counts) else 0


def export(desk: Desk) -> Response:
    """The results as a CSV: counts and words per question and kern, never who."""
    buffer = io.StringIO()
    with desk.unit_of_work() as uow:
        results = survey_results(uow.session, survey_id=_survey_id(desk), coordinator_id=desk.identity.user_id)
        if results is None:
            return desk.refuse()
        write_results_csv(results, buffer)
        desk.audit(uow.session, "survey_export", municipality_slug=results.survey.municipality_slug)
        uow.commit()
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="enquete-{results.survey.id}.csv"',
            "Cache-Control": "no-store",
        },
    )


def _survey_id(desk: Desk) -> int:
    return int(desk.request.path_params["survey_id"])


routes = [
    desk_route("/enquetes", show_surveys, permission=DeskPermission.OVERVIEW),
    *survey_form.routes,
    desk_route("/enquetes/{survey_id:int}", show_results, permission=DeskPermission.OVERVIEW),
    desk_route("/enquetes/{survey_id:int}/uitslag.csv", export, permission=DeskPermission.EXPORT),
]
