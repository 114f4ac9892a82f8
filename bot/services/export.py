"""The CSV for the municipality: one row per request, without personal data, streamed from the database."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.services.monitoring import in_period, minutes_spent_column
from db.models import HelpRequest, Municipality, Neighbourhood

# No names, ids, phone numbers or free text: only what the municipality needs to count.
HEADER = ("date", "municipality", "neighbourhood", "category", "status", "hours_to_claim", "minutes_spent")
CHUNK = 5000


def export_rows(
    session: Session, *, start: datetime, end: datetime, municipality_slug: str | None, zone: ZoneInfo
) -> Iterator[tuple]:
    """Rows in order of creation, fetched in chunks with a server-side cursor where the database has one."""
    query = (
        select(
            HelpRequest.created_at,
            Municipality.name,
            Neighbourhood.name,
            HelpRequest.category_slug,
            HelpRequest.status,
            HelpRequest.claimed_at,
            minutes_spent_column(),
        )
        .join(Neighbourhood, Neighbourhood.slug == HelpRequest.neighbourhood_slug)
        .join(Municipality, Municipality.slug == Neighbourhood.municipality_slug)
        .order_by(HelpRequest.created_at, HelpRequest.id)
    )
    query = in_period(query, start=start, end=end, municipality_slug=municipality_slug)
    result = session.connection().execution_options(stream_results=True, yield_per=CHUNK).execute(query)
    for created, municipality, place, category, status, claimed, minutes in result:
        hours = "" if claimed is None else f"{(claimed - created).total_seconds() / 3600:.1f}"
        yield (_local_date(created, zone), municipality, place, category, status, hours, int(minutes or 0))


def _local_date(moment: datetime, zone: ZoneInfo) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date().isoformat()


def write_csv(rows: Iterator[tuple], out: TextIO) -> int:
    """Write the header and every row; returns how many rows."""
    writer = csv.writer(out)
    writer.writerow(HEADER)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
