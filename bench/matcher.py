"""Benchmark of the request matcher (not a test).

    .venv/bin/python bench/matcher.py [--repeat 20] [--eval FILE --label "blind round 1, before tuning"]

Prints the one-off load time, p50/p99 latency of ``match()`` per message over the evaluation set (every
message matched ``--repeat`` times; the first, cold pass is reported separately; "quiet p99" takes each
message's fastest warm run, what the code itself costs on a shared machine) and the accuracy per style and in
total, counted as tests/test_matching.py does: a non-request is rejected when the intent layer
(bot.understanding) does not take it for a help request or the matcher finds no category
(``--matcher-alone``: the matcher only). ``--eval`` measures another file of the same format, e.g. a blind
round before it is tuned on. Appends a row to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.results import append_row, machine, percentile
from bot.matching import CategoryMatcher, data_dir
from bot.matching.normalise import stem
from bot.understanding import Intent, understand
from tests.support.matcher_eval import EVAL_FILE, load_eval, report_lines, score, share

SECTION = "Request matcher (bench/matcher.py)"
COLUMNS = [
    "set",
    "load ms",
    "cold p50/p99 ms",
    "warm p50/p99 ms",
    "quiet p99 ms",
    "max ms",
    "top-1",
    "top-3",
    "non-requests rejected",
    "second need",
    "top-1 per style",
]


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
    parser.add_argument("--matcher-alone", action="store_true", help="reject non-requests without the intent layer")
    parser.add_argument("--no-write", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    args.repeat = max(1, args.repeat)

    rows = load_eval(args.eval)
    stem.cache_clear()
    matcher, load_ms = timed(CategoryMatcher.from_file, data_dir() / "categories.toml")

    cold = [timed(matcher.match, row.text)[1] for row in rows]
    runs = [[timed(matcher.match, row.text)[1] for row in rows] for _ in range(args.repeat)]
    warm = [ms for run in runs for ms in run]
    fastest = [min(times) for times in zip(*runs, strict=True)]
    is_request = None if args.matcher_alone else (lambda text: understand(text).intent is Intent.HELP_REQUEST)
    report = score(rows, matcher.match, matcher.second_need, is_request)
    total = report.total

    figures = [
        (args.label or args.eval.name) + (", matcher alone" if args.matcher_alone else ""),
        f"{load_ms:.0f}",
        f"{statistics.median(cold):.3f} / {percentile(cold, 0.99):.3f}",
        f"{statistics.median(warm):.3f} / {percentile(warm, 0.99):.3f}",
        f"{percentile(fastest, 0.99):.3f}",
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
    print(f"quiet p99       {figures[4]} ms (each message's fastest warm run)")
    print(f"max             {figures[5]} ms")
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
