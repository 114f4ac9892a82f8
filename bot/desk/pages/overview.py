"""Overzicht: the monitoring figures of /overzicht for a period and municipality, a chart, and the CSV."""

from __future__ import annotations

import io
from datetime import timedelta

from starlette.responses import Response

from bot.desk.chart import category_chart
from bot.desk.web import Desk, desk_route
from bot.i18n import N_
from bot.render.monitoring import claim_time_text
from bot.services.desk_overview import desk_export, desk_overview
from bot.services.desk_roles import DeskPermission
from bot.services.places import municipalities

PERIODS = {"week": (7, N_("Deze week")), "maand": (30, N_("Laatste 30 dagen")), "jaar": (365, N_("Laatste jaar"))}
DEFAULT_PERIOD = "maand"


def _period(desk: Desk) -> tuple[str, int]:
    chosen = desk.value("periode", DEFAULT_PERIOD)
    chosen = chosen if chosen in PERIODS else DEFAULT_PERIOD
    return chosen, PERIODS[chosen][0]


def show_overview(desk: Desk) -> Response:
    """The figures, a chart per category, and a link to the CSV."""
    period, days = _period(desk)
    wanted = desk.value("gemeente") or None
    end = desk.now()
    with desk.unit_of_work() as uow:
        figures = desk_overview(
            uow.session, reader=desk.identity, municipality_slug=wanted, start=end - timedelta(days=days), end=end
        )
        places = municipalities(uow.session)
        if figures is None:
            return desk.refuse()
        desk.audit(uow.session, "overview", municipality_slug=figures.municipality_slug)
        uow.commit()
    place = next((m.name for m in places if m.slug == figures.municipality_slug), desk._("Parkstad"))
    return desk.render(
        "overview.html",
        figures=figures,
        place=place,
        chart=category_chart(figures.per_category),
        claim_time=claim_time_text(figures.median_minutes_to_claim, desk._),
        municipalities=places if desk.identity.all_municipalities else [],
        periods=PERIODS,
        period=period,
        chosen_municipality=figures.municipality_slug or "",
    )


def export(desk: Desk) -> Response:
    """The CSV without personal data for the period and municipality."""
    _chosen, days = _period(desk)
    end = desk.now()
    start = end - timedelta(days=days)
    buffer = io.StringIO()
    with desk.unit_of_work() as uow:
        count = desk_export(
            uow.session,
            reader=desk.identity,
            municipality_slug=desk.value("gemeente") or None,
            start=start,
            end=end,
            zone=desk.runtime.settings.time_zone,
            out=buffer,
        )
        if count is None:
            return desk.refuse()
        desk.audit(uow.session, "export", municipality_slug=desk.value("gemeente") or desk.identity.municipality_slug)
        uow.commit()
    name = desk.value("gemeente") or desk.identity.municipality_slug or "parkstad"
    filename = f"samenvoorelkaar-{name}-{start.date()}-{end.date()}.csv"
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


routes = [
    desk_route("/overzicht", show_overview, permission=DeskPermission.OVERVIEW),
    desk_route("/overzicht/export.csv", export, permission=DeskPermission.EXPORT),
]
