"""`samenbot export --from DATE --to DATE [--kind cheques|uren]`: the anonymous CSVs, the requests streamed."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.services.export import cheques_csv, export_csv, reintegration_hours_csv
from db.models import Municipality


def local_day_start(day: date, settings: Settings) -> datetime:
    """Midnight of a local day, in UTC."""
    return datetime.combine(day, time(0), tzinfo=settings.time_zone).astimezone(UTC)


def export_command(engine: Engine, settings: Settings, args: argparse.Namespace) -> int:
    """Write the CSV for the days from `--from` to `--to` (both included)."""
    try:
        first, last = date.fromisoformat(args.date_from), date.fromisoformat(args.date_to)
    except ValueError:
        print("Dates look like 2026-01-31.", file=sys.stderr)
        return 2
    if last < first:
        print("--to is before --from.", file=sys.stderr)
        return 2
    start, end = local_day_start(first, settings), local_day_start(last + timedelta(days=1), settings)
    with Session(engine) as session:
        if args.municipality and session.get(Municipality, args.municipality) is None:
            print(f"Unknown municipality: {args.municipality}", file=sys.stderr)
            return 1
        scope = {"start": start, "end": end, "municipality_slug": args.municipality, "zone": settings.time_zone}
        write = {"vragen": export_csv, "cheques": cheques_csv, "uren": reintegration_hours_csv}[args.kind]
        if args.output:
            with open(args.output, "w", newline="", encoding="utf-8") as out:
                count = write(session, **scope, out=out)
        else:
            count = write(session, **scope, out=sys.stdout)
    print(f"{count} {'requests' if args.kind == 'vragen' else 'rows'} exported.", file=sys.stderr)
    return 0
