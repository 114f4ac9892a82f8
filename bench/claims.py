"""Claim race at scale (not a test): 200 requests × 50 concurrent claimers, on SQLite and PostgreSQL.

    .venv/bin/python bench/claims.py [--requests 200 --claimers 50] [--postgres URL]

Every claimer presses "Ik help" on every request at the same moment. Reports double claims (must be 0) and
the p50/p95 latency of one claim.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session, SQLModel, func, select

from bench.results import append_row, print_table, scratch_postgres
from bot.clock import ManualClock
from bot.config import REPO_ROOT
from bot.services.people import add_volunteer
from bot.services.requests import ClaimOutcome, claim_request
from db.models import HelpRequest, RequestStatus, User
from db.seed import load_data_files
from db.session import make_engine

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def prepare(engine, requests: int, claimers: int) -> list[int]:
    clock = ManualClock()
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        load_data_files(session, REPO_ROOT / "data")
        session.add(User(id=1, first_name="Bewoner", created_at=clock.now()))
        for volunteer in range(1000, 1000 + claimers):
            add_volunteer(session, user_id=volunteer, neighbourhoods=["klimmen"], now=clock.now())
        rows = [
            HelpRequest(
                resident_id=1, category_slug="boodschappen", neighbourhood_slug="klimmen", created_at=clock.now()
            )
            for _ in range(requests)
        ]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def race(engine, request_ids: list[int], claimers: int) -> dict[str, float]:
    clock = ManualClock()
    latencies: list[float] = []
    winners = 0
    with ThreadPoolExecutor(claimers) as pool:
        for request_id in request_ids:
            start = Barrier(claimers)

            def press(volunteer: int, request_id: int = request_id, start: Barrier = start) -> ClaimOutcome:
                with Session(engine) as session:
                    start.wait()
                    began = time.perf_counter()
                    outcome = claim_request(session, request_id=request_id, volunteer_id=volunteer, now=clock.now())
                    session.commit()  # services never commit; the front door's unit of work does
                    latencies.append(time.perf_counter() - began)
                    return outcome

            outcomes = list(pool.map(press, range(1000, 1000 + claimers)))
            winners += outcomes.count(ClaimOutcome.CLAIMED)
    with Session(engine) as session:
        claimed = session.exec(
            select(func.count()).select_from(HelpRequest).where(HelpRequest.status == RequestStatus.CLAIMED)
        ).one()
    ordered = sorted(latencies)
    return {
        "claims": len(latencies),
        "winners": winners,
        "double": winners - claimed,
        "unclaimed": len(request_ids) - claimed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--claimers", type=int, default=50)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = []
    sqlite = make_engine(f"sqlite:///{tempfile.mkdtemp()}/claims.sqlite3", pool_size=args.claimers)
    with scratch_postgres(args.postgres, pool_size=args.claimers, max_overflow=10) as postgres:
        for name, engine in (("SQLite", sqlite), ("PostgreSQL", postgres)):
            ids = prepare(engine, args.requests, args.claimers)
            figures = race(engine, ids, args.claimers)
            rows.append(
                [
                    name,
                    str(figures["claims"]),
                    str(figures["double"]),
                    str(figures["unclaimed"]),
                    f"{figures['p50_ms']:.1f}",
                    f"{figures['p95_ms']:.1f}",
                ]
            )
    columns = ["database", "claims", "double claims", "unclaimed", "p50 ms", "p95 ms"]
    print_table(columns, rows)
    print("goal: 0 double claims")
    if not args.no_write:
        for row in rows:
            append_row("Claim race at scale (bench/claims.py)", columns, row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
