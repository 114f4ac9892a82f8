"""Shared by the benchmarks: the machine line, appending a row to bench/RESULTS.md, a scratch database."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shlex
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from db.session import make_engine

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"


def machine() -> str:
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cpu, Python {platform.python_version()}"


def command() -> str:
    return "`" + " ".join(["python", *[shlex.quote(arg) for arg in sys.argv]]) + "`"


def percentile(values: list[float], q: float) -> float:
    """The value at share ``q`` of the sorted values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def append_row(section: str, columns: list[str], values: list[str]) -> None:
    """Append one row under `section` (created with its table header when missing)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    header = "| date | machine | command | " + " | ".join(columns) + " |"
    row = f"| {dt.date.today().isoformat()} | {machine()} | {command()} | " + " | ".join(values) + " |"
    title = f"## {section}"
    if title not in text:
        separator = "|" + "---|" * (len(columns) + 3)
        text = text.rstrip("\n") + f"\n\n{title}\n\n{header}\n{separator}\n"
    lines = text.rstrip("\n").split("\n")
    start = lines.index(title)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    while end > start and not lines[end - 1].strip():
        end -= 1
    lines.insert(end, row)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def print_table(columns: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(columns, *rows, strict=False)]
    for line in [columns, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=False)))


@contextmanager
def scratch_postgres(url: str, **engine_options) -> Iterator[Engine]:
    """An engine on a fresh PostgreSQL schema of its own, dropped afterwards."""
    admin = make_engine(url)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"}, **engine_options)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
