"""Two bot processes on one PostgreSQL database: each outbox row is sent once, each timer fires once.

Each worker runs in its own thread with its own event loop and connections, as two processes
would. A barrier holds both workers inside their first batch at the same moment, so both hold row
locks together: without `FOR UPDATE SKIP LOCKED` the second would block on the first and the
barrier would time out.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.clock import ManualClock
from bot.config import Settings
from bot.delivery import Limits, OutboxSender
from bot.services import timers
from bot.services.outbox import enqueue_message
from db.models import Outbox, OutboxStatus, Timer

ROWS = 300
TIMERS = 250


def test_two_workers_send_each_row_once_and_fire_each_timer_once(postgresql_engine: Engine, monkeypatch) -> None:
    clock = ManualClock()
    now = clock.now()
    with Session(postgresql_engine) as session:
        for n in range(ROWS):
            enqueue_message(session, chat_id=10_000 + n % 150, text=f"bericht {n}", now=now)
        for n in range(TIMERS):
            session.add(Timer(kind="test_count", ref_id=n, due_at=now - timedelta(minutes=1)))
        session.commit()

    lock = threading.Lock()
    fired: Counter[int] = Counter()
    sent: Counter[str] = Counter()
    by_worker: Counter[str] = Counter()
    both_inside = threading.Barrier(2, timeout=10)
    waited: set[str] = set()

    def meet_once(worker: str) -> None:
        """The first time a worker is inside a batch, wait until the other one is inside its batch too."""
        if worker not in waited:
            waited.add(worker)
            both_inside.wait()

    def count_timer(session: Session, timer: Timer, moment, settings: Settings) -> bool:
        worker = threading.current_thread().name
        with lock:
            fired[timer.ref_id] += 1
            by_worker[f"timer {worker}"] += 1
        meet_once(f"timer {worker}")
        return True

    monkeypatch.setitem(timers.TIMER_KINDS, "test_count", count_timer)

    def worker(name: str) -> None:
        async def call(method: str, params: dict[str, Any]) -> dict[str, Any]:
            with lock:
                sent[params["text"]] += 1
                by_worker[f"outbox {name}"] += 1
            await asyncio.sleep(0)
            return {"message_id": 1, "chat": {"id": params["chat_id"]}}

        async def run() -> None:
            limits = Limits(overall_per_second=10_000, per_chat_per_second=10_000)
            sender = OutboxSender(postgresql_engine, call, clock, limits=limits, batch_size=40)
            for _ in range(200):
                with Session(postgresql_engine) as session:
                    timers.fire_due_timers(session, now=clock.now(), settings=Settings())
                    session.commit()
                await sender.deliver_due()
                with Session(postgresql_engine) as session:
                    left = session.exec(select(Outbox.id).where(Outbox.status == OutboxStatus.PENDING)).first()
                    due = session.exec(select(Timer.id).where(Timer.fired_at.is_(None))).first()
                if left is None and due is None:
                    return

        asyncio.run(run())

    threads = [threading.Thread(target=worker, args=(name,), name=name) for name in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    assert sent == Counter({f"bericht {n}": 1 for n in range(ROWS)})
    assert fired == Counter(dict.fromkeys(range(TIMERS), 1))
    assert by_worker["timer w1"] and by_worker["timer w2"], by_worker
    assert by_worker["outbox w1"] and by_worker["outbox w2"], by_worker
    with Session(postgresql_engine) as session:
        assert all(row.status == OutboxStatus.SENT for row in session.exec(select(Outbox)))
        assert all(timer.fired_at is not None for timer in session.exec(select(Timer)))
