"""Benchmark of the understanding layer (not a test).

    .venv/bin/python bench/intents.py [--eval FILE.tsv] [--repeat 20] [--no-write]

Reads every line of tests/data/intents_eval.tsv (or of ``--eval``, any file in its format such as a
blind round written by someone else) in its state, prints the accuracy per intent, danger recall and
false alarms, and the latency of ``understand()`` including the category match (goal: p99
below 2 ms; the first, cold pass is reported separately), then appends a row to bench/RESULTS.md.
On a shared machine the raw p99 is mostly other processes; "quiet p99" takes each message's fastest
warm run first, which is what the code itself costs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import append_row, machine, percentile, print_table  # noqa: E402
from bot.matching import CategoryMatcher, PlaceMatcher  # noqa: E402
from bot.matching.normalise import stem  # noqa: E402
from bot.understanding import DangerRules, Reader, Vocabulary  # noqa: E402
from tests.support.intents_eval import EVAL, STATE_EXPECTS, load_eval, score  # noqa: E402

DATA = ROOT / "data"
GOAL_P99_MS = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL, help="a TSV in the format of tests/data/intents_eval.tsv")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()

    lines = load_eval(args.eval)
    stem.cache_clear()
    t0 = time.perf_counter()
    reader = Reader(
        Vocabulary.from_file(DATA / "intents.toml"),
        DangerRules.from_file(DATA / "danger.toml"),
        CategoryMatcher.from_file(DATA / "categories.toml"),
        PlaceMatcher.from_file(DATA / "neighbourhoods.toml"),
    )
    load_ms = (time.perf_counter() - t0) * 1000

    cold: list[float] = []
    for line in lines:
        t = time.perf_counter()
        reader.understand(line.text, STATE_EXPECTS[line.state])
        cold.append((time.perf_counter() - t) * 1000)
    warm: list[float] = []
    fastest = [float("inf")] * len(lines)
    for _ in range(args.repeat):
        for i, line in enumerate(lines):
            t = time.perf_counter()
            reader.understand(line.text, STATE_EXPECTS[line.state])
            elapsed = (time.perf_counter() - t) * 1000
            warm.append(elapsed)
            fastest[i] = min(fastest[i], elapsed)

    result = score(lines, reader.understand)
    print_table(
        ["label", "correct", "accuracy"],
        [
            [label, f"{result.correct[label]}/{result.total[label]}", f"{result.accuracy(label):.1%}"]
            for label in sorted(result.total)
        ],
    )
    correct, total = sum(result.correct.values()), sum(result.total.values())
    lowest = min(result.total, key=result.accuracy)
    figures = {
        "messages": str(len(lines)),
        "load ms": f"{load_ms:.0f}",
        "cold p50/p99 ms": f"{statistics.median(cold):.3f} / {percentile(cold, 0.99):.3f}",
        "warm p50/p99 ms": f"{statistics.median(warm):.3f} / {percentile(warm, 0.99):.3f}",
        "quiet p99 ms": f"{percentile(fastest, 0.99):.3f}",
        "max ms": f"{max(cold + warm):.2f}",
        "danger recall": f"{result.danger_found}/{result.danger_total} = {result.recall:.1%}",
        "false alarms": f"{len(result.false_alarms)}/{result.safe_total} = {result.false_alarm_rate:.1%}",
        "all correct": f"{correct}/{total} = {correct / total:.1%}",
        "lowest intent": f"{lowest} {result.accuracy(lowest):.1%}",
    }
    print()
    print(f"machine          {machine()}")
    for name, value in figures.items():
        print(f"{name:<16} {value}")
    for name, p99 in (("warm", percentile(warm, 0.99)), ("quiet", percentile(fastest, 0.99))):
        print(f"goal p99 < {GOAL_P99_MS} ms, {name}: {'met' if p99 < GOAL_P99_MS else 'MISSED'}")
    if result.misses:
        print("\n" + result.table().split("\n\n", 1)[-1])

    if not args.no_write:
        append_row("Understanding (bench/intents.py)", list(figures), list(figures.values()))
        print("appended to bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
