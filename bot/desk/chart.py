"""Charts as SVG in the page: per row a label, then its bars with their numbers; no script, no image file, narrow
enough for a phone. The overview's requests per category, a survey's answers per kern."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LABEL_HEIGHT = 22
BAR_HEIGHT = 14
GAP = 14
BAR_WIDTH = 280
NOTE_WIDTH = 120  # room after a bar for its number and a kern's name


@dataclass(frozen=True)
class Bar:
    """One bar: where it starts and how wide, with its number."""

    y: int
    width: int
    value: int
    css_class: str
    note: str = ""  # words after the number, e.g. the kern


@dataclass(frozen=True)
class ChartRow:
    label: str
    label_y: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bar_height: int
    rows: tuple[ChartRow, ...]


def bar_chart(rows: Sequence[tuple[str, Sequence[tuple[int, str, str]]]]) -> Chart:
    """Rows of a label and its bars (value, CSS class, note), every bar scaled to the largest value."""
    largest = max((value for _label, bars in rows for value, _css, _note in bars), default=0) or 1
    chart_rows, top = [], 0
    for label, bars in rows:
        first_bar = top + LABEL_HEIGHT
        chart_rows.append(
            ChartRow(
                label=label,
                label_y=top + LABEL_HEIGHT - 6,
                bars=tuple(
                    Bar(first_bar + index * (BAR_HEIGHT + 2), _width(value, largest), value, css, note)
                    for index, (value, css, note) in enumerate(bars)
                ),
            )
        )
        top = first_bar + len(bars) * (BAR_HEIGHT + 2) + GAP
    return Chart(width=BAR_WIDTH + NOTE_WIDTH, height=max(top, 1), bar_height=BAR_HEIGHT, rows=tuple(chart_rows))


def _width(value: int, largest: int) -> int:
    return max(1, value * BAR_WIDTH // largest) if value else 0


def category_chart(per_category: list[tuple[str, int, int]], limit: int = 8) -> Chart:
    """Requests and claimed requests per category, the largest first."""
    rows = per_category[:limit]
    return bar_chart([(name, ((asked, "bar", ""), (claimed, "bar claimed", ""))) for name, asked, claimed in rows])
