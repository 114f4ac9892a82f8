"""When timers are due: hours per category and urgency (`data/timing.toml`), and re-armable timer rows."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, select

from bot.config import Settings
from db.models import Timer, TimerKind

TIMING_FILE = "timing.toml"


@dataclass(frozen=True)
class Hours:
    """After how many hours an unclaimed request is bumped, and escalated."""

    bump: float
    escalate: float


@dataclass(frozen=True)
class TimingRules:
    """The contents of `data/timing.toml`; everything optional."""

    categories: dict[str, dict[str, float]] = field(default_factory=dict)
    urgency: dict[str, dict[str, float]] = field(default_factory=dict)
    reminder_hour: int = 17
    offer_hours: float = 24.0


def parse_timing(raw: dict) -> TimingRules:
    """Check and convert the parsed TOML; a wrong value raises ValueError with its place."""
    rules: dict[str, dict[str, dict[str, float]]] = {"category": {}, "urgency": {}}
    for section in rules:
        for key, values in raw.get(section, {}).items():
            unknown = set(values) - {"bump_hours", "escalate_hours"}
            if unknown:
                raise ValueError(f"[{section}.{key}]: unknown keys {sorted(unknown)}")
            for name, value in values.items():
                if not isinstance(value, int | float) or value <= 0:
                    raise ValueError(f"[{section}.{key}] {name} must be a positive number")
            rules[section][key] = {name: float(value) for name, value in values.items()}
    hour = raw.get("reminder", {}).get("hour", 17)
    offer_hours = raw.get("recurring", {}).get("offer_hours", 24)
    if not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ValueError("[reminder] hour must be a whole hour 0-23")
    if not isinstance(offer_hours, int | float) or offer_hours <= 0:
        raise ValueError("[recurring] offer_hours must be a positive number")
    return TimingRules(rules["category"], rules["urgency"], hour, float(offer_hours))


@cache
def _load(path: Path, modified: float) -> TimingRules:
    with path.open("rb") as handle:
        return parse_timing(tomllib.load(handle))


def timing_rules(settings: Settings) -> TimingRules:
    """The rules in the data folder (re-read when the file changes); none when there is no file."""
    path = Path(settings.data_dir) / TIMING_FILE
    if not path.exists():
        return TimingRules()
    return _load(path, path.stat().st_mtime)


def hours_for(category_slug: str, when_kind: str, settings: Settings, rules: TimingRules | None = None) -> Hours:
    """The category's hours (else the settings'), shortened by the urgency's when that is sooner."""
    rules = rules if rules is not None else timing_rules(settings)
    own = rules.categories.get(category_slug, {})
    bump = own.get("bump_hours", settings.bump_after_hours)
    escalate = own.get("escalate_hours", settings.escalate_after_hours)
    urgent = rules.urgency.get(when_kind, {})
    bump = min(bump, urgent.get("bump_hours", bump))
    escalate = min(escalate, urgent.get("escalate_hours", escalate))
    return Hours(bump=bump, escalate=max(escalate, bump))


def reminder_moment(day: date, settings: Settings, rules: TimingRules | None = None) -> datetime:
    """The day before `day`, at the reminder hour, local time, as UTC."""
    rules = rules if rules is not None else timing_rules(settings)
    local = datetime.combine(day - timedelta(days=1), time(rules.reminder_hour), tzinfo=settings.time_zone)
    return local.astimezone(UTC)


def arm_timer(session: Session, *, kind: TimerKind, ref_id: int, due_at: datetime) -> Timer:
    """Set the one timer of this kind for `ref_id` to fire at `due_at`, re-using its row if it has one."""
    timer = session.exec(select(Timer).where(Timer.kind == kind, Timer.ref_id == ref_id).order_by(Timer.id)).first()
    if timer is None:
        timer = Timer(kind=kind, ref_id=ref_id, due_at=due_at)
    timer.due_at, timer.fired_at = due_at, None
    session.add(timer)
    return timer


def add_timers(session: Session, *, ref_id: int, due: dict[TimerKind, datetime]) -> None:
    """The first timers of something new (it has none to re-use), written in one statement."""
    rows = [{"kind": kind, "ref_id": ref_id, "due_at": due_at, "fired_at": None} for kind, due_at in due.items()]
    session.execute(insert(Timer), rows)


def schedule_day_before_reminder(
    session: Session, *, request_id: int, day: date | None, now: datetime, settings: Settings
) -> None:
    """A reminder for the volunteer the day before a planned date (none when that moment has passed)."""
    if day is None:
        return
    due = reminder_moment(day, settings)
    if due > now:
        arm_timer(session, kind=TimerKind.REMINDER, ref_id=request_id, due_at=due)
