"""Monitoring for the municipality: figures per period, counted in the database, and a chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from io import BytesIO

from sqlalchemy import ColumnElement, case, func, literal
from sqlmodel import Session, select

from bot.i18n import Translator
from db.models import Category, HelpRequest, InboxItem, Neighbourhood, RequestStatus


@dataclass
class Overview:
    """What happened with the requests of a period (and a municipality, or all)."""

    start: datetime
    end: datetime
    municipality_slug: str | None
    total: int = 0
    claimed: int = 0
    done: int = 0
    escalated: int = 0
    active_volunteers: int = 0
    volunteer_minutes: int = 0
    inbox_items: int = 0
    median_minutes_to_claim: float | None = None
    per_category: list[tuple[str, int, int]] = field(default_factory=list)  # (name, requests, claimed)
    per_neighbourhood: list[tuple[str, int]] = field(default_factory=list)

    def share(self, part: int) -> float:
        return part / self.total if self.total else 0.0


def minutes_spent_column() -> ColumnElement:
    """Minutes volunteers spent, where the table records them; 0 otherwise."""
    column = getattr(HelpRequest, "minutes_spent", None)
    return func.coalesce(column, 0) if column is not None else literal(0)


def in_period(query, *, start: datetime, end: datetime, municipality_slug: str | None):
    """Restrict a query on requests to a period and a municipality."""
    query = query.where(HelpRequest.created_at >= start, HelpRequest.created_at < end)
    if municipality_slug is not None:
        places = select(Neighbourhood.slug).where(Neighbourhood.municipality_slug == municipality_slug)
        query = query.where(HelpRequest.neighbourhood_slug.in_(places))
    return query


def seconds_between(later, earlier, dialect: str) -> ColumnElement:
    """`later - earlier` in seconds, in the database's own dialect."""
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def overview(session: Session, *, start: datetime, end: datetime, municipality_slug: str | None) -> Overview:
    """Count requests per category and neighbourhood, claims, escalations and hours; GROUP BY, no row loops."""
    result = Overview(start=start, end=end, municipality_slug=municipality_slug)
    done = HelpRequest.status == RequestStatus.DONE
    grouped = in_period(
        select(
            HelpRequest.category_slug,
            HelpRequest.neighbourhood_slug,
            func.count(),
            func.count(HelpRequest.claimed_at),
            func.sum(case((done, 1), else_=0)),
            func.count(HelpRequest.escalated_at),
            func.sum(minutes_spent_column()),
        ),
        start=start,
        end=end,
        municipality_slug=municipality_slug,
    ).group_by(HelpRequest.category_slug, HelpRequest.neighbourhood_slug)
    categories: dict[str, list[int]] = {}
    places: dict[str, int] = {}
    for category, place, count, claimed, done_count, escalated, minutes in session.exec(grouped):
        result.total += count
        result.claimed += claimed
        result.done += int(done_count or 0)
        result.escalated += escalated
        result.volunteer_minutes += int(minutes or 0)
        totals = categories.setdefault(category, [0, 0])
        totals[0] += count
        totals[1] += claimed
        places[place] = places.get(place, 0) + count
    category_names = _names(session, Category, categories)
    place_names = _names(session, Neighbourhood, places)
    result.per_category = sorted(
        ((category_names.get(slug, slug), n, c) for slug, (n, c) in categories.items()), key=lambda r: -r[1]
    )
    result.per_neighbourhood = sorted(((place_names.get(s, s), n) for s, n in places.items()), key=lambda r: -r[1])
    # COUNT over a DISTINCT subquery: PostgreSQL hashes it in parallel, COUNT(DISTINCT) would sort.
    helpers = in_period(
        select(HelpRequest.claimed_by).where(HelpRequest.claimed_by.is_not(None)).distinct(),
        start=start,
        end=end,
        municipality_slug=municipality_slug,
    )
    result.active_volunteers = session.exec(select(func.count()).select_from(helpers.subquery())).one()
    items = select(func.count()).where(InboxItem.created_at >= start, InboxItem.created_at < end)
    if municipality_slug is not None:
        items = items.where(InboxItem.municipality_slug == municipality_slug)
    result.inbox_items = session.exec(items).one()
    result.median_minutes_to_claim = median_minutes_to_claim(
        session, start=start, end=end, municipality_slug=municipality_slug
    )
    return result


def median_minutes_to_claim(
    session: Session, *, start: datetime, end: datetime, municipality_slug: str | None
) -> float | None:
    """The median time from asking to a volunteer's claim, in minutes (percentile in PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    seconds = seconds_between(HelpRequest.claimed_at, HelpRequest.created_at, dialect)
    if dialect == "postgresql":
        query = in_period(
            select(func.percentile_cont(0.5).within_group(seconds)),
            start=start,
            end=end,
            municipality_slug=municipality_slug,
        ).where(HelpRequest.claimed_at.is_not(None))
        value = session.exec(query).one()
        return None if value is None else float(value) / 60
    counted = in_period(select(func.count()), start=start, end=end, municipality_slug=municipality_slug).where(
        HelpRequest.claimed_at.is_not(None)
    )
    count = session.exec(counted).one()
    if not count:
        return None
    middle = in_period(select(seconds), start=start, end=end, municipality_slug=municipality_slug).where(
        HelpRequest.claimed_at.is_not(None)
    )
    values = list(session.exec(middle.order_by(seconds).offset((count - 1) // 2).limit(2 - count % 2)))
    return sum(values) / len(values) / 60


def _names(session: Session, table, slugs) -> dict[str, str]:
    if not slugs:
        return {}
    rows = session.exec(select(table).where(table.slug.in_(list(slugs)))).all()
    if table is Category:
        return {row.slug: f"{row.emoji} {row.names.get('nl', row.slug)}".strip() for row in rows}
    return {row.slug: row.name for row in rows}


def duration_text(minutes: float | None, _: Translator) -> str:
    """A median as "45 minuten" or "3,5 uur"."""
    if minutes is None:
        return "–"
    if minutes < 90:
        count = round(minutes)
        return _.plural("{count} minuut", "{count} minuten", count).format(count=_.number(count))
    hours = round(minutes / 60, 1)
    return _.plural("{count} uur", "{count} uur", 1 if hours == 1 else 2).format(count=_.number(hours))


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
        _("Tijd tot een helper (mediaan): {time}").format(time=duration_text(result.median_minutes_to_claim, _)),
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
