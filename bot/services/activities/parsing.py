"""The coordinator's typed answers while announcing an activity: a moment, an amount."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from bot.dates import parse_date

_TIME = re.compile(r"\b(?:om\s+)?([01]?\d|2[0-3])(?:[:.]([0-5]\d)|\s*uur)\b")
_AMOUNT = re.compile(r"(\d{1,4})(?:[.,](\d{1,2}))?")


def parse_time(text: str) -> time | None:
    """A clock time in a sentence: "14:00", "14.30", "om 14 uur"."""
    found = _TIME.search(text.lower())
    if found is None:
        return None
    return time(int(found.group(1)), int(found.group(2) or 0))


def parse_moment(text: str, today: date, zone: ZoneInfo, language: str = "nl") -> datetime | None:
    """A date and a time ("vrijdag 18:00", "24 november om 14 uur") as an aware UTC moment."""
    moment = parse_time(text)
    if moment is None:
        return None
    day = parse_date(_TIME.sub(" ", text.lower()).strip(), today, language)
    if day is None:
        return None
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def parse_amount(text: str) -> int | None:
    """An amount in euros ("5", "€ 7,50") as cents."""
    found = _AMOUNT.search(text.replace(" ", ""))
    if found is None:
        return None
    try:
        amount = Decimal(found.group(1) + "." + (found.group(2) or "0").ljust(2, "0"))
    except InvalidOperation:
        return None
    return int(amount * 100)
