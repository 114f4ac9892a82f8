"""Monitoring in words and a chart: the figures of a period for the coordinator."""

from __future__ import annotations

from html import escape
from io import BytesIO

from bot.i18n import Translator
from bot.services.monitoring import Overview


def duration_text(minutes: float, _: Translator) -> str:
    """A time as "45 minuten" or "3,5 uur"."""
    if minutes < 90:
        count = round(minutes)
        return _.plural("{count} minuut", "{count} minuten", count).format(count=_.number(count))
    hours = round(minutes / 60, 1)
    return _.plural("{count} uur", "{count} uur", 1 if hours == 1 else 2).format(count=_.number(hours))


def claim_time_text(median_minutes: float | None, _: Translator) -> str:
    """How soon a volunteer comes, in plain words (the median, without the word)."""
    if median_minutes is None:
        return _("Er is nog geen vraag opgepakt.")
    return _("Een helper meldt zich meestal binnen {time}.").format(time=duration_text(median_minutes, _))


def overview_text(result: Overview, place: str, _: Translator) -> str:
    """The figures as a short message."""
    percent = "{:.0%}"
    lines = [
        "📊 <b>" + _("Overzicht {place}").format(place=escape(place)) + "</b>",
        _("{start} tot {end}").format(start=_.day(result.start.date()), end=_.day(result.end.date())),
        "",
        _("Vragen: {count}").format(count=_.number(result.total)),
        _("Opgepakt: {share}").format(share=percent.format(result.share(result.claimed))),
        _("Klaar: {share}").format(share=percent.format(result.share(result.done))),
        claim_time_text(result.median_minutes_to_claim, _),
        _("Naar de coördinator: {count}").format(count=_.number(result.escalated)),
        _("Actieve vrijwilligers: {count}").format(count=_.number(result.active_volunteers)),
        _("Uren vrijwilligerswerk: {count}").format(count=_.number(round(result.volunteer_minutes / 60, 1))),
    ]
    if result.per_category:
        lines += ["", "<b>" + _("Per soort hulp") + "</b>"]
        lines += [f"{escape(name)}: {_.number(count)}" for name, count, _claimed in result.per_category[:8]]
    if result.per_neighbourhood:
        lines += ["", "<b>" + _("Per wijk of kern") + "</b>"]
        lines += [f"{escape(name)}: {_.number(count)}" for name, count in result.per_neighbourhood[:8]]
    return "\n".join(lines)


def overview_chart(result: Overview, _: Translator) -> bytes:
    """Requests and claims per category, and requests per neighbourhood, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 6), dpi=100)
    top, bottom = figure.subplots(2, 1)
    categories = result.per_category[:8][::-1]
    names = [name.split(" ", 1)[-1] for name, _n, _c in categories]
    top.barh(names, [n for _name, n, _c in categories], color="#9ecae1", label=_("Vragen"))
    top.barh(names, [c for _name, _n, c in categories], color="#3182bd", label=_("Opgepakt"))
    top.set_title(_("Vragen per soort hulp"))
    if categories:
        top.legend(loc="lower right")
    places = result.per_neighbourhood[:8][::-1]
    bottom.barh([name for name, _n in places], [n for _name, n in places], color="#31a354")
    bottom.set_title(_("Vragen per wijk of kern"))
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
