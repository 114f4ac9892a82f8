"""Sends to many chats: outbox rows grouped by a batch id, and a progress message kept up to date.

The service starts a batch (and arms its progress timer); the renderer queues its messages with `send_in_batch`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from bot.config import Settings
from bot.services.notices import BroadcastProgress, tell
from bot.services.outbox import enqueue_message
from db.models import Broadcast, Outbox, OutboxStatus, Timer, TimerKind

PROGRESS_EVERY = timedelta(seconds=10)
BLOCKED_MARK = "Forbidden%"  # the sender stores the error class first in last_error


@dataclass(frozen=True)
class Progress:
    """How far a broadcast is: rows per outcome."""

    total: int
    delivered: int
    blocked: int
    failed: int

    @property
    def pending(self) -> int:
        return self.total - self.delivered - self.blocked - self.failed

    @property
    def done(self) -> int:
        return self.total - self.pending


def start_broadcast(
    session: Session,
    *,
    kind: str,
    ref_id: int | None,
    now: datetime,
    chat_id: int | None = None,
    message_id: int | None = None,
) -> Broadcast:
    """A new batch; `chat_id`/`message_id` name the message that shows its progress (if any)."""
    broadcast = Broadcast(kind=kind, ref_id=ref_id, chat_id=chat_id, message_id=message_id, created_at=now)
    session.add(broadcast)
    session.flush()
    return broadcast


def set_progress_heading(
    session: Session, broadcast_id: int, *, text: str, final_markup: dict[str, Any] | None = None
) -> None:
    """What the progress message shows above the count, and its buttons once the send is done."""
    broadcast = session.get(Broadcast, broadcast_id)
    broadcast.text, broadcast.final_markup = text, final_markup
    session.add(broadcast)


def send_in_batch(
    session: Session,
    broadcast_id: int,
    *,
    chat_id: int,
    text: str,
    now: datetime,
    reply_markup: dict[str, Any] | None = None,
) -> Outbox:
    """Queue one message of the batch."""
    broadcast = session.get(Broadcast, broadcast_id)
    row = enqueue_message(session, chat_id=chat_id, text=text, reply_markup=reply_markup, now=now)
    row.batch_id = broadcast.id
    broadcast.total += 1
    session.add(broadcast)
    return row


def watch_progress(session: Session, broadcast: Broadcast, *, now: datetime) -> None:
    """Arm the timer that edits the progress message until the batch is done."""
    if broadcast.chat_id is not None and broadcast.message_id is not None:
        session.add(Timer(kind=TimerKind.BROADCAST_PROGRESS, ref_id=broadcast.id, due_at=now))


def progress_of(session: Session, batch_id: int) -> Progress:
    """Count the batch's outbox rows by outcome, in the database."""
    failed = Outbox.status == OutboxStatus.FAILED
    blocked = and_(failed, Outbox.last_error.like(BLOCKED_MARK))
    query = select(
        func.count(),
        func.coalesce(func.sum(case((Outbox.status == OutboxStatus.SENT, 1), else_=0)), 0),
        func.coalesce(func.sum(case((blocked, 1), else_=0)), 0),
        func.coalesce(func.sum(case((and_(failed, ~Outbox.last_error.like(BLOCKED_MARK)), 1), else_=0)), 0),
    ).where(Outbox.batch_id == batch_id)
    total, delivered, blocked_count, failed_count = session.exec(query).one()
    return Progress(int(total), int(delivered), int(blocked_count), int(failed_count))


def report_progress(session: Session, timer: Timer, now: datetime, settings: Settings) -> bool:
    """Timer "broadcast_progress": the coordinator's message shows the count; re-armed until every row is decided."""
    broadcast = session.get(Broadcast, timer.ref_id)
    if broadcast is None or broadcast.chat_id is None or broadcast.message_id is None:
        return True
    progress = progress_of(session, broadcast.id)
    finished = progress.pending == 0
    if finished or progress.done != broadcast.shown:
        tell(
            session,
            BroadcastProgress(
                chat_id=broadcast.chat_id,
                message_id=broadcast.message_id,
                heading=broadcast.text,
                final_markup=broadcast.final_markup,
                done=progress.done,
                total=progress.total,
                delivered=progress.delivered,
                blocked=progress.blocked,
                failed=progress.failed,
                finished=finished,
            ),
        )
        broadcast.shown = progress.done
    session.add(broadcast)
    if finished:
        broadcast.finished_at = now
        return True
    timer.due_at = now + PROGRESS_EVERY
    return False
