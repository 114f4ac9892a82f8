"""The overview's chart as SVG in the page: bars per category (requests and claimed), no script, no image file."""

from __future__ import annotations

from dataclasses import dataclass

ROW_HEIGHT = 34
LABEL_WIDTH = 190
BAR_WIDTH = 360
NUMBER_WIDTH = 50


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
    label_width: int
    rows: tuple[ChartRow, ...]


def category_chart(per_category: list[tuple[str, int, int]], limit: int = 8) -> Chart:
    """Requests and claimed requests per category, the largest first, scaled to the largest."""
    rows = per_category[:limit]
    largest = max((requests for _name, requests, _claimed in rows), default=0) or 1
    chart_rows = []
    for index, (name, requests, claimed) in enumerate(rows):
        top = index * (ROW_HEIGHT + 20)
        chart_rows.append(
            ChartRow(
                label=name,
                label_y=top + ROW_HEIGHT // 2 + 4,
                bars=(
                    Bar(top + 2, max(1, requests * BAR_WIDTH // largest), requests, "bar"),
                    Bar(top + ROW_HEIGHT // 2 + 2, claimed * BAR_WIDTH // largest, claimed, "bar claimed"),
                ),
            )
        )
    height = max(1, len(rows)) * (ROW_HEIGHT + 20)
    return Chart(
        width=LABEL_WIDTH + BAR_WIDTH + NUMBER_WIDTH, height=height, label_width=LABEL_WIDTH, rows=tuple(chart_rows)
    )
