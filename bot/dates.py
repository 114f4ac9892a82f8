"""When help is needed: the quick choices and typed dates ("vrijdag", "24 november", "overmorgen")."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

WHEN_CHOICES = ("today", "tomorrow", "week", "any")
_PART_OF_DAY = re.compile(r"(ochtend|middag|avond|morgen|nacht)$")


def date_for_choice(kind: str, today: date) -> date | None:
    """The date behind a quick choice; None where it is not one day."""
    return {"today": today, "tomorrow": today + timedelta(days=1)}.get(kind)


def parse_date(text: str, today: date, language: str = "nl") -> date | None:
    """A typed date within the coming year, or None when the text is not a date."""
    words = [_PART_OF_DAY.sub("", word) if len(word) > 8 else word for word in text.lower().split()]
    cleaned = " ".join(word for word in words if word)
    if not cleaned:
        return None
    parsed = dateparser.parse(
        cleaned,
        languages=[language, "nl"] if language != "nl" else ["nl"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime.combine(today, time(12)),
            "DATE_ORDER": "DMY",
        },
    )
    if parsed is None:
        return None
    found = parsed.date()
    return found if today <= found <= today + timedelta(days=366) else None


def local_now(now_utc: datetime, zone: ZoneInfo) -> datetime:
    """A UTC moment as local wall-clock time."""
    return now_utc.astimezone(zone)


def local_today(now_utc: datetime, zone: ZoneInfo) -> date:
    return local_now(now_utc, zone).date()
