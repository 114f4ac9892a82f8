"""Monitoring and export on 1,000,000 requests in PostgreSQL (not a test).

    .venv/bin/python bench/monitoring.py [--rows 1000000] [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Fills a fresh schema with generated requests (one INSERT ... SELECT generate_series), then times `overview`
for a year and for one municipality, and streaming the CSV export of everything to /dev/null.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text
from sqlmodel import Session, SQLModel

from bench.results import append_row, scratch_postgres
from bot.config import REPO_ROOT
from bot.services.export import export_csv
from bot.services.monitoring import overview
from db.seed import load_data_files

FILL = """
INSERT INTO helprequest (category_slug, neighbourhood_slug, when_kind, details, status, created_at, claimed_at,
                         claimed_by, escalated_at{extra_columns})
SELECT c.slug, n.slug, 'any', '', CASE WHEN i % 3 = 0 THEN 'open' WHEN i % 3 = 1 THEN 'claimed' ELSE 'done' END,
       :start + (i % 525600) * interval '1 minute',
       CASE WHEN i % 3 <> 0 THEN :start + (i % 525600) * interval '1 minute' + (i % 300) * interval '1 minute' END,
       CASE WHEN i % 3 <> 0 THEN 1000 + i % 500 END,
       CASE WHEN i % 17 = 0 THEN :start + (i % 525600) * interval '1 minute' END{extra_values}
FROM generate_series(1, :rows) AS i
JOIN (SELECT slug, row_number() OVER (ORDER BY slug) - 1 AS k FROM category) c ON c.k = i % 8
JOIN (SELECT slug, row_number() OVER (ORDER BY slug) - 1 AS k FROM neighbourhood) n
  ON n.k = i % (SELECT count(*) FROM neighbourhood)
"""


def fill_query() -> str:
    """FILL, with the Python defaults of any other required columns (tables grow)."""
    from db.models import HelpRequest

    named = {"id", "category_slug", "neighbourhood_slug", "when_kind", "details", "status", "created_at"}
    named |= {"claimed_at", "claimed_by", "escalated_at"}
    extra = []
    for column in HelpRequest.__table__.columns:
        if column.name in named or column.nullable or column.default is None:
            continue
        value = column.default.arg
        if callable(value):
            continue
        extra.append((column.name, repr(value).lower() if isinstance(value, bool) else repr(value)))
    return FILL.format(
        extra_columns="".join(", " + name for name, _v in extra),
        extra_values="".join(", " + value for _n, value in extra),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-write", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    with scratch_postgres(args.url) as engine:
        SQLModel.metadata.create_all(engine)
        start = datetime(2025, 11, 23, tzinfo=UTC)
        with Session(engine) as session:
            load_data_files(session, REPO_ROOT / "data")
            began = time.perf_counter()
            session.execute(text(fill_query()), {"start": start.replace(tzinfo=None), "rows": args.rows})
            session.commit()
            print(f"filled {args.rows:,} rows in {time.perf_counter() - began:.1f} s")
        # What autovacuum does in a running database: statistics and hint bits, so reads do not write.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE helprequest"))
        end = start + timedelta(days=366)
        figures = []
        for label, municipality in (("all municipalities", None), ("landgraaf", "landgraaf")):
            with Session(engine) as session:
                began = time.perf_counter()
                result = overview(session, start=start, end=end, municipality_slug=municipality)
                figures.append(time.perf_counter() - began)
                print(f"overview {label}: {result.total:,} requests in {figures[-1]:.2f} s")
        with Session(engine) as session, open("/dev/null", "w") as out:
            began = time.perf_counter()
            zone = ZoneInfo("Europe/Amsterdam")
            count = export_csv(session, start=start, end=end, municipality_slug=None, zone=zone, out=out)
            figures.append(time.perf_counter() - began)
            print(f"export: {count:,} rows in {figures[-1]:.2f} s")
        print("goals: /overzicht < 1 s, export < 10 s")
        if not args.no_write:
            columns = ["rows", "overview all s", "overview one municipality s", "export s"]
            append_row(
                "Monitoring at scale, PostgreSQL (bench/monitoring.py)",
                columns,
                [f"{args.rows:,}", *(f"{seconds:.2f}" for seconds in figures)],
            )


if __name__ == "__main__":
    main()
