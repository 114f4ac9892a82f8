"""Load and scale (not a test): 1, 2 and 4 webhook workers (processes) on PostgreSQL under a steady stream.

    .venv/bin/python bench/load.py [--workers 1 2 4] [--rate 100] [--seconds 60] [--residents 10000] [--groups 50]

For each number of workers: a fresh PostgreSQL schema with `--residents` residents in `--groups` neighbourhoods,
each with its linked group; `samenbot run --webhook --no-desk` processes on the fake Bot API over HTTP
(Telegram's limits off: this measures the bot, not Telegram). Residents ask for help (five updates: the
request, "Ja", "Maakt niet uit", "Nee, verder", "Ja, versturen"), each answer after the bot's reply to the
previous one; updates go to the workers in turn, at `--rate` updates a second for `--seconds`, at most
`--in-flight` at a time (Telegram's own webhook limit is 40 connections by default). Reports, per update,
the time from posting it to the worker's 200 (the reply is sent by then), the outbox lag (queued → sent) of all
rows and of the group cards alone, and what was lost (an update posted but not handled, a confirmed request not
stored or its card not posted) or duplicated (a card or message sent twice).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sqlalchemy import insert, select
from sqlmodel import Session, SQLModel

from bench.results import append_row, percentile, print_table, scratch_postgres
from bench.startup import resident_memory_mb
from bot.config import REPO_ROOT
from bot.services.places import link_group
from db.models import HelpRequest, Neighbourhood, Outbox, OutboxStatus, ProcessedUpdate, User
from db.seed import load_data_files
from tests.support import updates as upd
from tests.support.http_bot_api import HttpBotAPI
from tests.support.webhook_workers import HOOK_PATH, SECRET, stamped_url, start_workers, stop_workers, worker_env

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REQUEST = "kan iemand mijn boodschappen doen"
STEPS = ("Ja", "Maakt niet uit", "Nee, verder", "Ja, versturen")
FIRST_ID = 100_000
COLUMNS = [
    "workers",
    "residents / groups",
    "updates",
    "updates/s",
    "update p50 / p99 ms",
    "outbox lag p50 / p99 ms",
    "card lag p50 / p99 ms",
    "requests",
    "lost",
    "duplicated",
    "errors",
    "handling mean ms",
    "RSS per worker MB",
]


def seed(engine, residents: int, groups: int) -> None:
    """Tables, data files, `groups` linked groups and `residents` residents spread over their neighbourhoods."""
    SQLModel.metadata.create_all(engine)
    now = datetime.now(UTC)
    with Session(engine) as session:
        load_data_files(session, REPO_ROOT / "data")
        places = list(session.exec(select(Neighbourhood.slug).order_by(Neighbourhood.slug)).scalars())[:groups]
        if len(places) < groups:
            raise SystemExit(f"only {len(places)} neighbourhoods for {groups} groups")
        for n, slug in enumerate(places):
            link_group(session, chat_id=-5000 - n, title=slug, neighbourhood_slug=slug, linked_by=1, now=now)
        rows = [
            {
                "id": FIRST_ID + n,
                "first_name": f"Bewoner {n}",
                "neighbourhood_slug": places[n % groups],
                "has_private_chat": True,
                "created_at": now,
            }
            for n in range(residents)
        ]
        session.execute(insert(User), rows)
        session.commit()


class Load:
    """Residents' conversations posted to the workers at a steady rate; what came back, and how fast."""

    def __init__(self, server: HttpBotAPI, urls: list[str], residents: int, in_flight: int) -> None:
        self.server = server
        self.urls = urls
        self.fresh = collections.deque(range(residents))
        self.ready: collections.deque[tuple[int, int]] = collections.deque()  # (resident, next step)
        self.in_flight = asyncio.Semaphore(in_flight)
        self.latencies: list[float] = []
        self.errors = 0
        self.posted = 0
        self.confirmed: set[int] = set()
        self.sent = 0

    async def on_server(self, function):
        """Run `function` where the fake Bot API lives, without blocking this loop."""

        async def run():
            return function()

        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(run(), self.server._loop))

    async def update_for(self, resident: int, step: int):
        user = upd.make_user(FIRST_ID + resident, f"Bewoner {resident}", language_code="nl")
        if step == 0:
            return await self.on_server(lambda: upd.private_text(user, REQUEST))
        label = STEPS[step - 1]

        def press():
            for message in reversed(self.server.api.messages(user.id)):
                for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                    for key in row:
                        if label in key.get("text", ""):
                            return upd.callback(user, message, key["callback_data"])
            return None

        return await self.on_server(press)

    async def one(self, client: httpx.AsyncClient, resident: int, step: int) -> None:
        try:
            update = await self.update_for(resident, step)
            if update is None:  # the bot did not offer the button: counted, the conversation ends here
                self.errors += 1
                return
            url = self.urls[self.sent % len(self.urls)] + HOOK_PATH
            self.sent += 1
            began = time.perf_counter()
            try:
                answer = await client.post(
                    url, json=update.to_dict(), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                )
            except httpx.HTTPError:
                self.errors += 1
                return
            self.latencies.append(time.perf_counter() - began)
            self.posted += 1
            if answer.status_code != 200:
                self.errors += 1
                return
            if step == len(STEPS):
                self.confirmed.add(FIRST_ID + resident)
            else:
                self.ready.append((resident, step + 1))
        finally:
            self.in_flight.release()

    async def run(self, rate: float, seconds: float) -> float:
        """Post `rate` updates a second for `seconds`; the seconds it really took."""
        limits = httpx.Limits(max_connections=1000, max_keepalive_connections=1000)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            tasks = set()
            began = time.perf_counter()
            for n in range(int(rate * seconds)):
                delay = began + n / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                await self.in_flight.acquire()
                resident, step = self.ready.popleft() if self.ready else (self.fresh.popleft(), 0)
                task = asyncio.create_task(self.one(client, resident, step))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            elapsed = time.perf_counter() - began
            await asyncio.gather(*tasks)
        return elapsed


def outcome(engine, server: HttpBotAPI, load: Load) -> dict[str, str]:
    """Lag, requests, lost and duplicated, from the database and the fake's record of calls."""
    with Session(engine) as session:
        rows = session.exec(select(Outbox)).scalars().all()
        requests = session.exec(select(HelpRequest)).scalars().all()
        handled = session.exec(select(ProcessedUpdate.update_id)).scalars().all()
    sent = [row for row in rows if row.status == OutboxStatus.SENT and row.sent_at is not None]
    lags = [(row.sent_at - row.created_at).total_seconds() for row in sent]
    card_lags = [
        lag for row, lag in zip(sent, lags, strict=True) if row.ref_kind == "card" and row.method == "sendMessage"
    ]
    calls = server.snapshot()
    cards = collections.Counter(
        data
        for call in calls
        if call.method == "sendMessage"
        for data in call.callback_data
        if data.startswith("claim:")
    )
    stored = {request.resident_id for request in requests}
    card_ids = {int(data.split(":")[1]) for data in cards}
    messages_sent = sum(call.method == "sendMessage" for call in calls)
    rows_sent = sum(row.method == "sendMessage" for row in sent)
    lost = (
        max(load.posted - len(handled), 0)  # posted and answered, but never handled
        + len(load.confirmed - stored)  # confirmed, but no request
        + len({request.id for request in requests} - card_ids)  # stored, but no card
        + sum(row.status == OutboxStatus.PENDING for row in rows)  # still waiting after the drain
    )
    duplicated = sum(times - 1 for times in cards.values()) + max(messages_sent - rows_sent, 0)
    duplicated += len(requests) - len(stored)  # a resident with two requests from one conversation

    def ms(values: list[float]) -> str:
        if not values:
            return "-"
        return f"{percentile(values, 0.5) * 1000:.0f} / {percentile(values, 0.99) * 1000:.0f}"

    return {
        "update": ms(load.latencies),
        "lag": ms(lags),
        "card lag": ms(card_lags),
        "requests": f"{len(requests)} of {len(load.confirmed)} confirmed",
        "lost": str(lost),
        "duplicated": str(duplicated),
    }


def handling_mean_ms(urls: list[str]) -> float:
    """The workers' own mean time to handle an update (`samenbot_update_seconds` from /metrics), in ms."""
    total = count = 0.0
    for url in urls:
        for line in httpx.get(f"{url}/metrics", timeout=10).text.splitlines():
            if line.startswith("samenbot_update_seconds_sum "):
                total += float(line.split()[1])
            elif line.startswith("samenbot_update_seconds_count "):
                count += float(line.split()[1])
    return total / count * 1000 if count else 0.0


def drain(engine, timeout: float = 60) -> None:
    """Wait until the outbox has nothing pending (or `timeout` passed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine) as session:
            if session.exec(select(Outbox.id).where(Outbox.status == OutboxStatus.PENDING).limit(1)).first() is None:
                return
        time.sleep(0.2)


def measure(args: argparse.Namespace, workers: int) -> list[str]:
    with scratch_postgres(args.postgres) as engine, HttpBotAPI() as server:
        seed(engine, args.residents, args.groups)
        env = worker_env(server, stamped_url(engine, args.postgres))
        processes = start_workers(workers, env, Path(tempfile.mkdtemp()))
        try:
            load = Load(server, [worker.url for worker in processes], args.residents, args.in_flight)
            elapsed = asyncio.run(load.run(args.rate, args.seconds))
            drain(engine)
            memory = [resident_memory_mb(worker.process.pid) for worker in processes]
            handling = handling_mean_ms([worker.url for worker in processes])
        finally:
            stop_workers(processes)
        found = outcome(engine, server, load)
    return [
        str(workers),
        f"{args.residents:,} / {args.groups}",
        str(load.posted),
        f"{load.posted / elapsed:.0f}",
        found["update"],
        found["lag"],
        found["card lag"],
        found["requests"],
        found["lost"],
        found["duplicated"],
        str(load.errors),
        f"{handling:.1f}",
        " / ".join(f"{value:.0f}" for value in memory),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--in-flight", type=int, default=40)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = []
    for workers in args.workers:
        rows.append(measure(args, workers))
        print_table(COLUMNS, rows[-1:])
    print()
    print_table(COLUMNS, rows)
    if not args.no_write:
        for row in rows:
            append_row(f"Load, webhook workers on PostgreSQL, {args.rate:.0f} updates/s (bench/load.py)", COLUMNS, row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
