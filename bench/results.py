"""Shared by the benchmarks: the machine line and appending a row to bench/RESULTS.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"


def machine() -> str:
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cpu, Python {platform.python_version()}"


def command() -> str:
    return "`" + " ".join(["python", *[shlex.quote(arg) for arg in sys.argv]]) + "`"


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
