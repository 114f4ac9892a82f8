"""What waits: outbox rows not yet sent and timers past their moment, read for /healthz and /metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from db.models import Outbox, OutboxStatus, Timer


@dataclass(frozen=True)
class Backlog:
    """Work that is due and not done yet."""

    outbox_pending: int
    outbox_oldest_due_seconds: float
    """How long the oldest due pending row has waited past its moment (0 when none is due)."""
    timers_due: int


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def read_backlog(session: Session, *, now: datetime) -> Backlog:
    """Pending outbox rows, the wait of the oldest due one, and timers due but not fired (three small queries)."""
    pending = session.scalar(select(func.count()).where(Outbox.status == OutboxStatus.PENDING))
    oldest = session.scalar(
        select(func.min(Outbox.not_before)).where(Outbox.status == OutboxStatus.PENDING, Outbox.not_before <= now)
    )
    timers = session.scalar(select(func.count()).where(Timer.fired_at.is_(None), Timer.due_at <= now))
    waited = max((_aware(now) - _aware(oldest)).total_seconds(), 0.0) if oldest is not None else 0.0
    return Backlog(outbox_pending=pending, outbox_oldest_due_seconds=waited, timers_due=timers)
