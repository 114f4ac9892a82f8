"""The monitoring figures and the CSV export for the desk, with the same scope rules as /overzicht and
/export: a coordinator sees their own municipality, a coordinator of all municipalities any or all."""

from __future__ import annotations

from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.services.desk_roles import DeskIdentity, DeskPermission
from bot.services.export import export_csv
from bot.services.monitoring import Overview, overview
from db.models import Municipality


def scope_for(session: Session, reader: DeskIdentity, wanted: str | None) -> tuple[bool, str | None]:
    """Whether the reader may see `wanted` (None: all municipalities), and the municipality to count."""
    if wanted is not None and session.get(Municipality, wanted) is None:
        return False, None
    if reader.all_municipalities:
        return True, wanted
    wanted = wanted or reader.municipality_slug
    return reader.covers(wanted), wanted


def desk_overview(
    session: Session, *, reader: DeskIdentity, municipality_slug: str | None, start: datetime, end: datetime
) -> Overview | None:
    """The figures of a period, or None when the reader may not see them."""
    allowed, municipality = scope_for(session, reader, municipality_slug)
    if not allowed or not reader.may(DeskPermission.OVERVIEW):
        return None
    return overview(session, start=start, end=end, municipality_slug=municipality)


def desk_export(
    session: Session,
    *,
    reader: DeskIdentity,
    municipality_slug: str | None,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    out: TextIO,
) -> int | None:
    """Write the CSV without personal data; the number of rows, or None when the reader may not export."""
    allowed, municipality = scope_for(session, reader, municipality_slug)
    if not allowed or not reader.may(DeskPermission.EXPORT):
        return None
    return export_csv(session, start=start, end=end, municipality_slug=municipality, zone=zone, out=out)
