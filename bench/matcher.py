"""Benchmark of the request matcher (not a test).

    .venv/bin/python bench/matcher.py [--repeat 20] [--eval FILE --label "blind round 1, before tuning"]

Prints the one-off load time, p50/p99 latency per message over the evaluation set (every message
matched ``--repeat`` times; the first, cold pass is reported separately) and the accuracy per style
and in total (the same count as tests/test_matching.py), and appends a row to bench/RESULTS.md.
``--eval`` measures another file of the same format, e.g. a blind round before it is tuned on.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.results import append_row, machine
from bot.matching import CategoryMatcher, data_dir
from bot.matching.normalise import stem
from tests.support.matcher_eval import EVAL_FILE, load_eval, report_lines, score, share

SECTION = "Request matcher (bench/matcher.py)"
COLUMNS = [
    "set",
    "load ms",
    "cold p50/p99 ms",
    "warm p50/p99 ms",
    "max ms",
    "top-1",
    "top-3",
    "non-requests rejected",
    "second need",
    "top-1 per style",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(function, *args) -> tuple[object, float]:
    start = time.perf_counter()
    result = function(*args)
    return result, (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="warm passes (at least 1)")
    parser.add_argument("--eval", type=Path, default=EVAL_FILE, help="a TSV of labels, style, text")
    parser.add_argument("--label", default="", help="what the set is, for bench/RESULTS.md")
    parser.add_argument("--misses", action="store_true", help="print every message the matcher got wrong")
    parser.add_argument("--no-write", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    args.repeat = max(1, args.repeat)

    rows = load_eval(args.eval)
    stem.cache_clear()
    matcher, load_ms = timed(CategoryMatcher.from_file, data_dir() / "categories.toml")

    cold = [timed(matcher.match, row.text)[1] for row in rows]
    warm = [timed(matcher.match, row.text)[1] for _ in range(args.repeat) for row in rows]
    report = score(rows, matcher.match, matcher.second_need)
    total = report.total

    figures = [
        args.label or args.eval.name,
        f"{load_ms:.0f}",
        f"{statistics.median(cold):.3f} / {percentile(cold, 0.99):.3f}",
        f"{statistics.median(warm):.3f} / {percentile(warm, 0.99):.3f}",
        f"{max(cold + warm):.2f}",
        share(total.top1, total.requests),
        share(total.top3, total.requests),
        share(total.rejected, total.non_requests),
        share(total.second_found, total.two_needs),
        ", ".join(
            f"{style} {tally.top1}/{tally.requests}" for style, tally in sorted(report.styles.items()) if tally.requests
        ),
    ]
    print(f"machine         {machine()}")
    print(f"messages        {len(rows)} from {args.eval} (x{args.repeat} warm)")
    print(f"load            {figures[1]} ms")
    print(f"cold p50/p99    {figures[2]} ms (first pass, empty caches)")
    print(f"warm p50/p99    {figures[3]} ms")
    print(f"max             {figures[4]} ms")
    print()
    print("\n".join(report_lines(report)))
    if args.misses:
        print("\n".join(report.misses))

    if not args.no_write:
        append_row(SECTION, COLUMNS, figures)
        print("appended to bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
