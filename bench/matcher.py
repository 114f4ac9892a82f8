"""Benchmark of the request matcher (not a test).

    .venv/bin/python bench/matcher.py [--repeat 20]

Prints the one-off load time, p50/p99 latency per message over the evaluation set (every message
matched ``--repeat`` times; the first, cold pass is reported separately) and the accuracy, and
appends a row to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.matching import CategoryMatcher  # noqa: E402
from bot.matching.normalise import stem  # noqa: E402

EVAL = ROOT / "tests" / "data" / "matcher_eval.tsv"
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADER = (
    "| date | machine | command | load ms | cold p50/p99 ms | warm p50/p99 ms | max ms "
    "| top-1 | top-3 | oos rejected |\n"
    "|---|---|---|---|---|---|---|---|---|---|\n"
)


def load_eval() -> list[tuple[list[str], str]]:
    rows = []
    for line in EVAL.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            labels, text = line.split("\t", 1)
            rows.append((labels.split("|"), text))
    return rows


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()

    rows = load_eval()
    stem.cache_clear()
    t0 = time.perf_counter()
    matcher = CategoryMatcher.from_file(ROOT / "data" / "categories.toml")
    load_ms = (time.perf_counter() - t0) * 1000

    cold: list[float] = []
    results = []
    for _, text in rows:
        t = time.perf_counter()
        results.append(matcher.match(text))
        cold.append((time.perf_counter() - t) * 1000)
    warm: list[float] = []
    for _ in range(args.repeat):
        for _, text in rows:
            t = time.perf_counter()
            matcher.match(text)
            warm.append((time.perf_counter() - t) * 1000)

    in_scope = top1 = top3 = oos = rejected = 0
    for (labels, _), result in zip(rows, results, strict=True):
        ranked = [slug for slug, _ in result]
        if labels[0] == "out_of_scope":
            oos += 1
            rejected += not result
            continue
        in_scope += 1
        top1 += bool(ranked) and ranked[0] in labels
        top3 += any(s in labels for s in ranked[:3])

    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cpu, Python {platform.python_version()}"
    figures = {
        "load_ms": f"{load_ms:.0f}",
        "cold": f"{statistics.median(cold):.3f} / {percentile(cold, 0.99):.3f}",
        "warm": f"{statistics.median(warm):.3f} / {percentile(warm, 0.99):.3f}",
        "max": f"{max(cold + warm):.2f}",
        "top1": f"{top1}/{in_scope} = {top1 / in_scope:.1%}",
        "top3": f"{top3}/{in_scope} = {top3 / in_scope:.1%}",
        "oos": f"{rejected}/{oos} = {rejected / oos:.1%}",
    }
    print(f"machine         {machine}")
    print(f"messages        {len(rows)} (x{args.repeat} warm)")
    print(f"load            {figures['load_ms']} ms")
    print(f"cold p50/p99    {figures['cold']} ms (first pass, empty caches)")
    print(f"warm p50/p99    {figures['warm']} ms")
    print(f"max             {figures['max']} ms")
    print(f"top-1           {figures['top1']}")
    print(f"top-3           {figures['top3']}")
    print(f"oos rejected    {figures['oos']}")

    if not args.no_write:
        command = f"python bench/matcher.py --repeat {args.repeat}"
        row = (
            f"| {dt.date.today().isoformat()} | {machine} | `{command}` | {figures['load_ms']} | "
            f"{figures['cold']} | {figures['warm']} | {figures['max']} | {figures['top1']} | "
            f"{figures['top3']} | {figures['oos']} |\n"
        )
        if not RESULTS.exists():
            RESULTS.write_text("# Benchmark results\n\n## Request matcher (bench/matcher.py)\n\n" + HEADER)
        elif "bench/matcher.py" not in RESULTS.read_text(encoding="utf-8"):
            with RESULTS.open("a", encoding="utf-8") as fh:
                fh.write("\n## Request matcher (bench/matcher.py)\n\n" + HEADER)
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(row)
        print(f"appended to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
