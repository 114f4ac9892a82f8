"""The CSVs for the municipality: one row per request, without personal data, streamed from the database; and per
month the dienstencheques per resident (a number within the file) and the hours per re-integration helper (by code)."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import Numeric, Select, cast, func
from sqlmodel import Session, select

from bot.services.monitoring import in_period, minutes_spent_column
from db.models import HelpRequest, Municipality, Neighbourhood, RequestStatus, Volunteer

# No names, ids, phone numbers or free text: only what the municipality needs to count.
HEADER = ("date", "municipality", "neighbourhood", "category", "status", "hours_to_claim", "minutes_spent")
CHUNK = 5000


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def export_query(
    *, start: datetime, end: datetime, municipality_slug: str | None, zone: ZoneInfo, postgres: bool
) -> Select:
    """The export's columns; PostgreSQL formats the local date and the hours itself."""
    if postgres:
        day = func.to_char(func.timezone(zone.key, HelpRequest.created_at), "YYYY-MM-DD")
        seconds = func.extract("epoch", HelpRequest.claimed_at - HelpRequest.created_at)
        hours = func.round(cast(seconds / 3600, Numeric), 1)
    else:
        day, hours = HelpRequest.created_at, HelpRequest.claimed_at
    query = (
        select(
            day,
            Municipality.name,
            Neighbourhood.name,
            HelpRequest.category_slug,
            HelpRequest.status,
            hours,
            minutes_spent_column(),
        )
        .join(Neighbourhood, Neighbourhood.slug == HelpRequest.neighbourhood_slug)
        .join(Municipality, Municipality.slug == Neighbourhood.municipality_slug)
        .order_by(HelpRequest.created_at, HelpRequest.id)
    )
    return in_period(query, start=start, end=end, municipality_slug=municipality_slug)


def export_rows(
    session: Session, *, start: datetime, end: datetime, municipality_slug: str | None, zone: ZoneInfo
) -> Iterator[tuple]:
    """Rows in order of creation, fetched in chunks with a server-side cursor where the database has one."""
    postgres = _is_postgres(session)
    query = export_query(start=start, end=end, municipality_slug=municipality_slug, zone=zone, postgres=postgres)
    result = session.connection().execution_options(stream_results=True, yield_per=CHUNK).execute(query)
    if postgres:
        yield from (tuple(row) for row in result)
        return
    for created, municipality, place, category, status, claimed, minutes in result:
        hours = "" if claimed is None else f"{(claimed - created).total_seconds() / 3600:.1f}"
        yield (_local_date(created, zone), municipality, place, category, status, hours, int(minutes or 0))


def _local_date(moment: datetime, zone: ZoneInfo) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date().isoformat()


def write_csv(rows: Iterable[tuple], out: TextIO) -> int:
    """Write the header and every row; returns how many rows."""
    writer = csv.writer(out)
    writer.writerow(HEADER)
    rows, count = iter(rows), 0
    while chunk := list(islice(rows, CHUNK)):
        writer.writerows(chunk)
        count += len(chunk)
    return count


def export_csv(
    session: Session, *, start: datetime, end: datetime, municipality_slug: str | None, zone: ZoneInfo, out: TextIO
) -> int:
    """Write the CSV: PostgreSQL streams it with COPY (a million rows in seconds), others through `export_rows`."""
    if not _is_postgres(session):
        return write_csv(
            export_rows(session, start=start, end=end, municipality_slug=municipality_slug, zone=zone), out
        )
    query = export_query(start=start, end=end, municipality_slug=municipality_slug, zone=zone, postgres=True)
    compiled = query.compile(dialect=session.get_bind().dialect)
    csv.writer(out).writerow(HEADER)
    count = 0
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY ({compiled.string}) TO STDOUT WITH (FORMAT csv)", compiled.params) as copy:
        for block in copy:
            text = bytes(block).decode("utf-8")
            count += text.count("\n")  # no value holds a line break: names and slugs only
            out.write(text)
    return count


# ---------------------------------------------------------------- dienstencheques and re-integration hours, per month

CHEQUES_HEADER = ("month", "municipality", "resident", "requests", "hours", "cheques")
HOURS_HEADER = ("month", "helper_code", "requests", "hours", "cheques")


def _done_in(query: Select, *, start: datetime, end: datetime, municipality_slug: str | None) -> Select:
    """Finished requests of the period (by the day they were done), of one municipality or all."""
    query = query.join(Neighbourhood, Neighbourhood.slug == HelpRequest.neighbourhood_slug).where(
        HelpRequest.status == RequestStatus.DONE, HelpRequest.done_at >= start, HelpRequest.done_at < end
    )
    if municipality_slug is not None:
        query = query.where(Neighbourhood.municipality_slug == municipality_slug)
    return query.order_by(HelpRequest.done_at, HelpRequest.id)


def _month(moment: datetime, zone: ZoneInfo) -> str:
    return _local_date(moment, zone)[:7]


def _write_totals(out: TextIO, header: tuple[str, ...], totals: dict[tuple, list[int]]) -> int:
    """One row per key: requests, hours (one decimal) and cheques."""
    writer = csv.writer(out)
    writer.writerow(header)
    for key, (count, minutes, cheques) in totals.items():
        writer.writerow((*key, count, f"{minutes / 60:.1f}", cheques))
    return len(totals)


def cheques_csv(
    session: Session, *, start: datetime, end: datetime, municipality_slug: str | None, zone: ZoneInfo, out: TextIO
) -> int:
    """Dienstencheques per resident and month; a resident is a number that holds only within this file."""
    columns = select(
        HelpRequest.resident_id, HelpRequest.done_at, HelpRequest.minutes_spent, HelpRequest.cheques, Municipality.name
    ).select_from(HelpRequest)
    query = _done_in(columns, start=start, end=end, municipality_slug=municipality_slug)
    query = query.join(Municipality, Municipality.slug == Neighbourhood.municipality_slug)
    query = query.where(HelpRequest.cheques_per_hour.is_not(None))
    pseudonyms: dict[int | None, str] = {}
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for resident_id, done_at, minutes, cheques, municipality in session.exec(query):
        resident = pseudonyms.setdefault(resident_id, f"bewoner-{len(pseudonyms) + 1}")
        row = totals[(_month(done_at, zone), municipality, resident)]
        row[0], row[1], row[2] = row[0] + 1, row[1] + (minutes or 0), row[2] + (cheques or 0)
    return _write_totals(out, CHEQUES_HEADER, totals)


def reintegration_hours_csv(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    out: TextIO,
    municipality_slug: str | None = None,
    volunteer_ids: set[int] | None = None,
) -> int:
    """Hours per re-integration helper and month (for UWV or Kompas), by the code the coordinator gave them."""
    columns = select(
        HelpRequest.done_at, HelpRequest.minutes_spent, HelpRequest.cheques, Volunteer.user_id, Volunteer.helper_code
    ).select_from(HelpRequest)
    query = _done_in(columns, start=start, end=end, municipality_slug=municipality_slug)
    query = query.join(Volunteer, Volunteer.user_id == HelpRequest.claimed_by).where(Volunteer.reintegration.is_(True))
    uncoded: dict[int, str] = {}
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for done_at, minutes, cheques, volunteer_id, code in session.exec(query):
        if volunteer_ids is not None and volunteer_id not in volunteer_ids:
            continue
        helper = code or uncoded.setdefault(volunteer_id, f"zonder-code-{len(uncoded) + 1}")
        row = totals[(_month(done_at, zone), helper)]
        row[0], row[1], row[2] = row[0] + 1, row[1] + (minutes or 0), row[2] + (cheques or 0)
    return _write_totals(out, HOURS_HEADER, dict(sorted(totals.items())))
