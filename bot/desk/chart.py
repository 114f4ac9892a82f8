"""The overview's chart as SVG in the page: per category a label, then a bar for its requests and one for
those taken up; no script, no image file, narrow enough for a phone."""

from __future__ import annotations

from dataclasses import dataclass

LABEL_HEIGHT = 22
BAR_HEIGHT = 14
GAP = 14
BAR_WIDTH = 280
NUMBER_WIDTH = 50
ROW_HEIGHT = LABEL_HEIGHT + 2 * (BAR_HEIGHT + 2) + GAP


@dataclass(frozen=True)
class Bar:
    """One bar: where it starts and how wide, with its number."""

    y: int
    width: int
    value: int
    css_class: str


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


def category_chart(per_category: list[tuple[str, int, int]], limit: int = 8) -> Chart:
    """Requests and claimed requests per category, the largest first, scaled to the largest."""
    rows = per_category[:limit]
    largest = max((requests for _name, requests, _claimed in rows), default=0) or 1
    chart_rows = []
    for index, (name, requests, claimed) in enumerate(rows):
        top = index * ROW_HEIGHT
        first_bar = top + LABEL_HEIGHT
        chart_rows.append(
            ChartRow(
                label=name,
                label_y=top + LABEL_HEIGHT - 6,
                bars=(
                    Bar(first_bar, max(1, requests * BAR_WIDTH // largest), requests, "bar"),
                    Bar(first_bar + BAR_HEIGHT + 2, claimed * BAR_WIDTH // largest, claimed, "bar claimed"),
                ),
            )
        )
    return Chart(
        width=BAR_WIDTH + NUMBER_WIDTH,
        height=max(1, len(rows)) * ROW_HEIGHT,
        bar_height=BAR_HEIGHT,
        rows=tuple(chart_rows),
    )
