"""Broadcast at Telegram's limits (not a test): 5,000 residents and 50 groups, on a virtual clock.

    .venv/bin/python bench/broadcast.py [--residents 5000 --groups 50 --per-group 30]

The fake Bot API enforces 30 messages/s overall, 20/min per group and 1/s per chat, answering 429 when they
are exceeded. Reports the achieved rate as a share of the allowed rate, the 429s, and messages lost.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session, SQLModel, func, select
from telegram.ext import ExtBot

from bench.results import append_row, print_table
from bot.app import outbox_call
from bot.clock import ManualClock
from bot.delivery import Limits, OutboxSender, Throttle
from bot.services.outbox import enqueue_message
from db.models import Outbox
from db.session import make_engine
from tests.support.fake_bot_api import FakeBotAPI


async def run(residents: int, groups: int, per_group: int) -> dict[str, float]:
    clock = ManualClock()
    start = clock.now()
    folder = tempfile.mkdtemp()
    engine = make_engine(f"sqlite:///{folder}/bench.sqlite3")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        # In the order the app writes a broadcast: the groups' posts first, then the residents'.
        for group in range(groups):
            for index in range(per_group):
                enqueue_message(session, chat_id=-100_000 - group, text=f"Kaart {index}", now=start)
        for index in range(residents):
            enqueue_message(session, chat_id=10_000 + index, text=f"Samen eten #{index}", now=start)
        session.commit()
    api = FakeBotAPI()
    api.enforce_limits(lambda: (clock.now() - start).total_seconds())
    # As in the app (bot.app.build_application): no PTB rate limiter; the sender keeps Telegram's limits itself,
    # with the process's one throttle (bot/delivery/limits.py).
    bot = ExtBot("123:BENCH", request=api)
    await bot.initialize()
    sender = OutboxSender(engine, outbox_call(bot), clock, throttle=Throttle(Limits()))
    wall = time.perf_counter()
    while True:
        await sender.deliver_due()
        due = sender.next_due()
        if due is None:
            break
        clock.set(max(due, clock.now() + timedelta(milliseconds=1)))
    wall = time.perf_counter() - wall
    with Session(engine) as session:
        pending = session.exec(select(func.count()).select_from(Outbox).where(Outbox.status != "sent")).one()
    delivered = len(api.calls_to("sendMessage"))
    texts = {(call.chat_id, call.text) for call in api.calls_to("sendMessage")}
    total = residents + groups * per_group
    virtual = (clock.now() - start).total_seconds()
    # The fastest the limits allow: 30/s overall; in a group, 1 per second and 20 in any minute.
    last_in_group = (per_group - 1) // 20 * 60 + (per_group - 1) % 20 if per_group else 0
    ideal = max((total - 1) // 30, last_in_group)  # 30 go out at once, then 30 more each second
    return {
        "messages": total,
        "delivered": delivered,
        "duplicates": delivered - len(texts),
        "lost": total - len(texts),
        "not_sent_rows": pending,
        "429s": sum(1 for call in api.failed_calls if call.status == 429),
        "virtual_s": virtual,
        "ideal_s": ideal,
        "share": ideal / virtual if virtual else 0.0,
        "wall_s": wall,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=5000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--per-group", type=int, default=30)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    figures = asyncio.run(run(args.residents, args.groups, args.per_group))
    columns = ["messages", "virtual s", "ideal s", "share of allowed rate", "429s", "lost", "duplicates", "wall s"]
    row = [
        str(figures["messages"]),
        f"{figures['virtual_s']:.1f}",
        f"{figures['ideal_s']:.1f}",
        f"{figures['share']:.1%}",
        str(figures["429s"]),
        str(figures["lost"]),
        str(figures["duplicates"]),
        f"{figures['wall_s']:.1f}",
    ]
    print_table(columns, [row])
    print("goals: share ≥ 90 %, 0 × 429, 0 lost")
    if not args.no_write:
        append_row("Broadcast at Telegram's limits (bench/broadcast.py)", columns, row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
