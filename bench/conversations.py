"""Conversation throughput (not a test): whole help requests through the real Application, next to a bare
python-telegram-bot echo bot in the same run, on SQLite and on PostgreSQL.

    .venv/bin/python bench/conversations.py [--conversations 200] [--postgres URL]

Both bots answer through the same in-process fake Bot API. A conversation is five updates (the request text,
"Ja", "Maakt niet uit", "Nee, verder", "Ja, versturen"); the echo bot answers five texts. Reports updates per
second for both, the bot's cost per update as a multiple of the echo bot's (goals: at most 6× on SQLite, 10× on
PostgreSQL) and the SQL statements per update (goal: at most 5), counted at the driver.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event
from sqlmodel import Session, SQLModel
from telegram import Update
from telegram.ext import ApplicationBuilder, MessageHandler, filters

from bench.results import append_row, print_table, scratch_postgres
from bot.app import build_application
from bot.clock import ManualClock
from bot.config import REPO_ROOT, Settings
from bot.services.places import link_group
from db.models import User
from db.seed import load_data_files
from db.session import make_engine
from tests.support import updates
from tests.support.fake_bot_api import FakeBotAPI

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
STEPS = ("Ja", "Maakt niet uit", "Nee, verder", "Ja, versturen")


def button_data(api: FakeBotAPI, chat_id: int, label: str) -> tuple[dict, str]:
    """The newest message in the chat with a button containing `label`, and that button's data."""
    for message in reversed(api.messages(chat_id)):
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if label in button["text"]:
                    return message, button["callback_data"]
    raise AssertionError(f"no button {label!r}")


class StatementCounter:
    """Counts the SQL statements an engine sends while `counting` is on (executemany counts once)."""

    def __init__(self, engine) -> None:
        self.count = 0
        self.counting = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        if self.counting:
            self.count += 1


async def bot_run(engine, conversations: int) -> tuple[float, int]:
    """Seconds for `conversations` whole help requests through the real app, and the SQL statements sent."""
    clock = ManualClock()
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        load_data_files(session, REPO_ROOT / "data")
        link_group(session, chat_id=-1001, title="Klimmen", neighbourhood_slug="klimmen", linked_by=1, now=clock.now())
        for index in range(conversations):
            session.add(User(id=10_000 + index, first_name="B", neighbourhood_slug="klimmen", created_at=clock.now()))
        session.commit()
    api = FakeBotAPI()
    app = build_application(Settings(bot_token="123:BENCH", throttle=False), request=api, engine=engine, clock=clock)
    await app.initialize()
    counter = StatementCounter(engine)
    counter.counting = True
    began = time.perf_counter()
    for index in range(conversations):
        user = updates.make_user(10_000 + index, "B")
        await app.process_update(updates.private_text(user, "kan iemand mijn boodschappen doen", bot=app.bot))
        for label in STEPS:
            message, data = button_data(api, user.id, label)
            await app.process_update(updates.callback(user, message, data, bot=app.bot))
    elapsed = time.perf_counter() - began
    counter.counting = False
    await app.shutdown()
    return elapsed, counter.count


async def echo_run(updates_count: int) -> float:
    """Seconds for a bare PTB echo bot to answer `updates_count` texts."""
    api = FakeBotAPI()
    app = ApplicationBuilder().token("123:ECHO").request(api).get_updates_request(api).build()

    async def echo(update: Update, _context) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()
    user = updates.make_user(42, "E")
    began = time.perf_counter()
    for index in range(updates_count):
        await app.process_update(updates.private_text(user, f"hallo {index}", bot=app.bot))
    elapsed = time.perf_counter() - began
    await app.shutdown()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    per_conversation = 1 + len(STEPS)
    total_updates = args.conversations * per_conversation
    echo_seconds = asyncio.run(echo_run(total_updates))
    echo_rate = total_updates / echo_seconds
    rows = [["echo bot (bare PTB)", f"{echo_rate:.0f}", "-", f"{echo_seconds / total_updates * 1000:.2f}", "1.0×", "0"]]
    sqlite = make_engine(f"sqlite:///{tempfile.mkdtemp()}/conversations.sqlite3")
    with scratch_postgres(args.postgres) as postgres:
        for name, engine in (("Samen voor Elkaar, SQLite", sqlite), ("Samen voor Elkaar, PostgreSQL", postgres)):
            seconds, statements = asyncio.run(bot_run(engine, args.conversations))
            rows.append(
                [
                    name,
                    f"{total_updates / seconds:.0f}",
                    f"{args.conversations / seconds:.1f}",
                    f"{seconds / total_updates * 1000:.2f}",
                    f"{seconds / echo_seconds:.1f}×",
                    f"{statements / total_updates:.1f}",
                ]
            )
    columns = ["bot", "updates/s", "conversations/s", "ms per update", "cost vs echo", "SQL per update"]
    print_table(columns, rows)
    print("goals: cost per update at most 6× the echo bot's on SQLite, 10× on PostgreSQL; at most 5 SQL statements")
    if not args.no_write:
        for row in rows:
            append_row("Conversation throughput and SQL per update (bench/conversations.py)", columns, row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
