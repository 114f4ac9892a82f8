"""The matcher's evaluation set (tests/data/matcher_eval.tsv and the blind rounds): reading it and scoring a matcher.

Shared by tests/test_matching.py and bench/matcher.py so both count the same way, per style and in total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
EVAL_FILE = REPO_ROOT / "tests" / "data" / "matcher_eval.tsv"
OUT_OF_SCOPE = "out_of_scope"
NON_REQUEST = "non_request"
TWO_NEEDS = "two_needs"
HEADER = ("labels", "style", "text")


@dataclass(frozen=True, slots=True)
class EvalRow:
    """One labelled message: the labels (main need first), its writing style and the text."""

    labels: tuple[str, ...]
    style: str
    text: str

    @property
    def is_request(self) -> bool:
        return self.labels[0] != OUT_OF_SCOPE

    @property
    def accepted_first(self) -> tuple[str, ...]:
        """What counts as a right top-1: the main need only for two needs, else any label."""
        return self.labels[:1] if self.style == TWO_NEEDS else self.labels


def load_eval(path: Path = EVAL_FILE) -> list[EvalRow]:
    """The rows of a TSV ``labels<TAB>style<TAB>text``; comment lines and the header line are skipped."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        labels, style, text = line.split("\t", 2)
        if (labels, style, text) == HEADER:
            continue
        rows.append(EvalRow(tuple(labels.split("|")), style, text))
    return rows


@dataclass(slots=True)
class Tally:
    """Counts for one style (or the whole set)."""

    requests: int = 0
    top1: int = 0
    top3: int = 0
    non_requests: int = 0
    rejected: int = 0
    two_needs: int = 0
    second_found: int = 0
    held_back: int = 0  # requests the intent layer does not take for a help request

    def add(self, other: Tally) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class Report:
    """Tallies per style and in total, and the misses (for printing)."""

    styles: dict[str, Tally] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    @property
    def total(self) -> Tally:
        total = Tally()
        for tally in self.styles.values():
            total.add(tally)
        return total


Matches = list[tuple[str, int]]


def score(
    rows: Iterable[EvalRow],
    match: Callable[[str], Matches],
    second_need: Callable[[str], str | None] | None = None,
    is_request: Callable[[str], bool] | None = None,
) -> Report:
    """Score ``match`` on ``rows``. A non-request is rejected when ``is_request`` (the intent layer) says it is
    none or nothing matches; a request the intent layer does not take for one is counted as held back."""
    report = Report()
    for row in rows:
        tally = report.styles.setdefault(row.style, Tally())
        taken = is_request is None or is_request(row.text)
        result = match(row.text)
        ranked = [slug for slug, _ in result]
        if not row.is_request:
            tally.non_requests += 1
            tally.rejected += not (taken and ranked)
            if taken and ranked:
                report.misses.append(f"[{row.style}] out_of_scope: {row.text!r} -> {result}")
            continue
        tally.requests += 1
        tally.held_back += not taken
        if not taken:
            report.misses.append(f"[{row.style}] held back by the intent layer: {row.text!r}")
        right = bool(ranked) and ranked[0] in row.accepted_first
        tally.top1 += right
        tally.top3 += any(slug in row.accepted_first for slug in ranked[:3])
        if row.style == TWO_NEEDS and len(row.labels) > 1 and second_need is not None:
            tally.two_needs += 1
            second = second_need(row.text)
            tally.second_found += second == row.labels[1]
            if second != row.labels[1]:
                report.misses.append(f"[{row.style}] second need {row.labels[1]}, not {second}: {row.text!r}")
        if not right:
            report.misses.append(f"[{row.style}] {'|'.join(row.labels)}: {row.text!r} -> {result}")
    return report


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.1%}" if whole else "-"


def report_lines(report: Report) -> list[str]:
    """A table: per style and in total, top-1, top-3, non-requests rejected, second needs found."""
    columns = ("style", "top-1", "top-3", "non-requests rejected", "second need", "requests held back")
    rows = [
        (
            style,
            share(t.top1, t.requests),
            share(t.top3, t.requests),
            share(t.rejected, t.non_requests),
            share(t.second_found, t.two_needs),
            share(t.held_back, t.requests),
        )
        for style, t in [*sorted(report.styles.items()), ("all", report.total)]
    ]
    widths = [max(len(line[i]) for line in (columns, *rows)) for i in range(len(columns))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in (columns, *rows)]
