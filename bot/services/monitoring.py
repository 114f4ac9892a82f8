"""Monitoring for the municipality: figures per period, counted in the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, literal
from sqlmodel import Session, select

from bot.services.access import Scope, scope_of
from bot.services.places import municipality_name
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


@dataclass(frozen=True)
class ReportScope:
    """Where a coordinator's figures are for, and its name (None: all of Parkstad)."""

    scope: Scope
    name: str | None


def report_scope(session: Session, *, coordinator_id: int, municipality_slug: str | None) -> ReportScope | None:
    """The scope of `/overzicht` or `/export`: the asked municipality (else the coordinator's own), if allowed."""
    own = scope_of(session, coordinator_id)
    if own is None:
        return None
    wanted = Scope.of(municipality_slug) if municipality_slug else own
    name = None if wanted.is_all else municipality_name(session, wanted.municipality_slug)
    if (not wanted.is_all and name is None) or not (own.is_all or own == wanted):
        return None
    return ReportScope(wanted, name)
