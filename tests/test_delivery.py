"""The outbox sender: order, limits, Telegram's errors, leases; one test on PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlmodel import Session, SQLModel
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.clock import ManualClock
from bot.delivery import Limits, OutboxSender
from bot.services.outbox import enqueue, enqueue_card_edit, enqueue_message
from db.models import (
    Category,
    GroupLink,
    HelpRequest,
    Municipality,
    Neighbourhood,
    Outbox,
    OutboxStatus,
    User,
)
from db.session import make_engine
from tests.support.databases import empty_postgres_schema, postgres_engine_on, require_postgres

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
GROUP = -100
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def _base_rows(engine) -> None:
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Municipality(slug="heerlen", name="Heerlen"))
        session.commit()
        session.add(Neighbourhood(slug="centrum", name="Centrum", kind="wijk", municipality_slug="heerlen"))
        session.add(Neighbourhood(slug="noord", name="Noord", kind="wijk", municipality_slug="heerlen"))
        session.add(Category(slug="boodschappen", emoji="x"))
        session.commit()


@pytest.fixture
def db(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'delivery.sqlite3'}")
    _base_rows(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def vclock() -> ManualClock:
    return ManualClock(START)


class StubApi:
    """Records calls; raises queued PTB errors per chat; answers like the Bot API's raw JSON."""

    def __init__(self, clock: ManualClock | None = None, delay: float = 0.0) -> None:
        self.clock = clock
        self.delay = delay
        self.calls: list[tuple[datetime | None, str, dict[str, Any]]] = []
        self.errors: dict[int, list[Exception]] = {}
        self.always: dict[int, Exception] = {}
        self.next_message_id = 500
        self.lock = threading.Lock()
        self.workers: Counter[str] = Counter()

    def fail_next(self, chat_id: int, *errors: Exception) -> None:
        self.errors.setdefault(chat_id, []).extend(errors)

    async def __call__(self, method: str, params: dict[str, Any]) -> Any:
        with self.lock:
            self.calls.append((self.clock.now() if self.clock else None, method, dict(params)))
            self.workers[threading.current_thread().name] += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        chat_id = params["chat_id"]
        if chat_id in self.always:
            raise self.always[chat_id]
        queued = self.errors.get(chat_id)
        if queued:
            raise queued.pop(0)
        if method.startswith("send"):
            with self.lock:
                self.next_message_id += 1
                return {"message_id": self.next_message_id, "chat": {"id": chat_id}, "date": 0}
        return True

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [p.get("text") for _, _, p in self.calls if chat_id is None or p["chat_id"] == chat_id]

    def times(self, chat_id: int | None = None) -> list[datetime]:
        return [t for t, _, p in self.calls if chat_id is None or p["chat_id"] == chat_id]


def add(engine, chat_id: int, text: str, *, now: datetime = START, **kwargs) -> int:
    with Session(engine) as session:
        row = enqueue_message(session, chat_id=chat_id, text=text, now=now, **kwargs)
        session.commit()
        return row.id


def rows(engine) -> dict[int, Outbox]:
    with Session(engine) as session:
        return {row.id: row for row in session.exec(select(Outbox)).scalars()}


def row_by_text(engine, text_: str) -> Outbox:
    return next(row for row in rows(engine).values() if row.params.get("text") == text_)


async def drive(sender: OutboxSender, clock: ManualClock, seconds: float, step: float = 0.25) -> int:
    """Passes every `step` seconds of virtual time; returns how many rows went out."""
    sent = 0
    end = clock.now() + timedelta(seconds=seconds)
    while clock.now() < end:
        sent += await sender.deliver_due()
        clock.advance(timedelta(seconds=step))
    return sent


def max_in_window(times: list[datetime], window: timedelta) -> int:
    times = sorted(times)
    best = 0
    for i, start in enumerate(times):
        best = max(best, sum(1 for t in times[i:] if t < start + window))
    return best


# ---------------------------------------------------------------- order


async def test_rows_of_a_chat_go_out_in_id_order_even_across_a_retry(db, vclock):
    for i in range(5):
        add(db, 1, f"a{i}")
        add(db, 2, f"b{i}")
    api = StubApi(vclock)
    api.fail_next(1, TimedOut())  # a0 fails once: a1..a4 must wait for it
    sender = OutboxSender(db, api, vclock)

    assert await drive(sender, vclock, 30) == 10

    sent_to_1 = api.texts(1)
    assert sent_to_1 == ["a0", "a0", "a1", "a2", "a3", "a4"]
    assert api.texts(2) == ["b0", "b1", "b2", "b3", "b4"]
    assert all(row.status == OutboxStatus.SENT for row in rows(db).values())
    assert max_in_window(api.times(1), timedelta(seconds=1)) <= 1
    assert max_in_window(api.times(2), timedelta(seconds=1)) <= 1


async def test_a_row_scheduled_later_does_not_hold_back_its_chat(db, vclock):
    later = add(db, 1, "tomorrow", not_before=START + timedelta(days=1))
    add(db, 1, "now")
    api = StubApi(vclock)
    sender = OutboxSender(db, api, vclock)

    assert await sender.deliver_due() == 1
    assert api.texts() == ["now"]
    assert rows(db)[later].status == OutboxStatus.PENDING
    assert sender.next_due() == START + timedelta(days=1)


async def test_card_send_stores_its_message_and_a_queued_edit_is_filled_in(db, vclock):
    with Session(db) as session:
        request = HelpRequest(category_slug="boodschappen", neighbourhood_slug="centrum", created_at=START)
        session.add(request)
        session.commit()
        # The edit is queued before the card's send (an edge case): it waits, it does not block the send.
        enqueue_card_edit(session, request_id=request.id, chat_id=GROUP, text="claimed", now=START, reply_markup=None)
        enqueue_message(session, chat_id=GROUP, text="card", now=START, ref_kind="card", ref_id=request.id)
        session.commit()
        request_id = request.id
    api = StubApi(vclock)
    sender = OutboxSender(db, api, vclock)

    assert await sender.deliver_due() == 1
    assert api.texts() == ["card"]
    with Session(db) as session:
        request = session.get(HelpRequest, request_id)
        assert (request.card_chat_id, request.card_message_id) == (GROUP, 501)

    await drive(sender, vclock, 5)
    method, params = api.calls[-1][1:]
    assert method == "editMessageText"
    assert params["chat_id"] == GROUP and params["message_id"] == 501 and params["text"] == "claimed"
    assert all(row.status == OutboxStatus.SENT for row in rows(db).values())


async def test_an_edit_of_a_card_that_will_never_be_sent_fails(db, vclock):
    with Session(db) as session:
        request = HelpRequest(category_slug="boodschappen", neighbourhood_slug="centrum", created_at=START)
        session.add(request)
        session.commit()
        row = enqueue_card_edit(session, request_id=request.id, chat_id=GROUP, text="x", now=START, reply_markup=None)
        session.commit()
        row_id = row.id
    api = StubApi(vclock)
    await OutboxSender(db, api, vclock).deliver_due()
    assert api.calls == []
    assert rows(db)[row_id].status == OutboxStatus.FAILED


# ---------------------------------------------------------------- limits


async def test_a_group_gets_at_most_20_a_minute(db, vclock):
    for i in range(100):
        add(db, GROUP, f"m{i}")
    api = StubApi(vclock)
    sender = OutboxSender(db, api, vclock)

    await drive(sender, vclock, 60)
    assert len(api.calls) == 20
    await drive(sender, vclock, 60)
    assert len(api.calls) == 40
    assert api.texts() == [f"m{i}" for i in range(40)]
    assert max_in_window(api.times(), timedelta(seconds=60)) <= 20
    assert max_in_window(api.times(), timedelta(seconds=1)) <= 1
    # The rows still waiting were given the moment they will be allowed, in order.
    waiting = sorted((r for r in rows(db).values() if r.status == OutboxStatus.PENDING), key=lambda r: r.id)
    assert [r.not_before for r in waiting] == sorted(r.not_before for r in waiting)
    assert waiting[0].not_before > vclock.now() - timedelta(seconds=1)


async def test_many_private_chats_get_at_most_30_a_second(db, vclock):
    for chat_id in range(1, 101):
        add(db, chat_id, f"hello {chat_id}")
    api = StubApi(vclock)
    sender = OutboxSender(db, api, vclock)

    assert await sender.deliver_due() == 30
    assert await sender.deliver_due() == 0  # same virtual second: nothing more
    vclock.advance(timedelta(seconds=1))
    assert await sender.deliver_due() == 30
    await drive(sender, vclock, 5)
    assert len(api.calls) == 100
    assert sorted(Counter(api.texts()).values()) == [1] * 100
    assert max_in_window(api.times(), timedelta(seconds=1)) <= 30


async def test_a_pass_uses_a_bounded_number_of_queries(db, vclock):
    for chat_id in range(1, 101):
        add(db, chat_id, f"hello {chat_id}")
    statements: list[str] = []
    event.listen(db, "before_cursor_execute", lambda *args: statements.append(args[2]))
    sender = OutboxSender(db, StubApi(vclock), vclock, limits=Limits(overall_per_second=1000))
    assert await sender.deliver_due() == 100
    # Each send is written at once (a crash mid-pass must not resend it); everything else is batched.
    per_row = [sql for sql in statements if sql.startswith("UPDATE outbox SET status") and "not_before" not in sql]
    assert len(per_row) == 100
    assert len(statements) - len(per_row) <= 8


# ---------------------------------------------------------------- Telegram's errors


@pytest.mark.parametrize("retry_after", [5, timedelta(seconds=5)])
async def test_retry_after_waits_and_resends_once(db, vclock, retry_after):
    first = add(db, 5, "one")
    add(db, 5, "two")
    add(db, 6, "other")
    api = StubApi(vclock)
    api.fail_next(5, RetryAfter(retry_after))
    sender = OutboxSender(db, api, vclock)

    assert await sender.deliver_due() == 1  # "other"
    row = rows(db)[first]
    assert (row.status, row.attempts, row.not_before) == (OutboxStatus.PENDING, 1, START + timedelta(seconds=5))
    await drive(sender, vclock, 4.5)
    assert api.texts(5) == ["one"]  # the chat waited
    await drive(sender, vclock, 10)
    assert api.texts(5) == ["one", "one", "two"]
    assert all(row.status == OutboxStatus.SENT for row in rows(db).values())


async def test_a_flood_on_several_chats_makes_everyone_wait(db, vclock):
    add(db, 5, "a")
    add(db, 6, "b")
    api = StubApi(vclock)
    api.fail_next(5, RetryAfter(10))
    api.fail_next(6, RetryAfter(10))
    sender = OutboxSender(db, api, vclock)
    assert await sender.deliver_due() == 0
    add(db, 7, "c", now=vclock.now())
    await drive(sender, vclock, 9.5)
    assert api.texts() == ["a", "b"]
    await drive(sender, vclock, 2)
    assert sorted(api.texts()) == ["a", "a", "b", "b", "c"]


async def test_forbidden_marks_the_user_unreachable_and_the_rest_continues(db, vclock, caplog):
    with Session(db) as session:
        session.add(User(id=7, first_name="Jansen", phone="0612345678", created_at=START))
        session.commit()
    blocked = add(db, 7, "Dag Jansen, bel 0612345678")
    add(db, 8, "other")
    api = StubApi(vclock)
    api.always[7] = Forbidden("Forbidden: bot was blocked by the user")
    caplog.set_level(logging.DEBUG, logger="bot.delivery")

    assert await OutboxSender(db, api, vclock).deliver_due() == 1
    row = rows(db)[blocked]
    assert row.status == OutboxStatus.FAILED and row.last_error.startswith("Forbidden")
    assert row.locked_until is None
    with Session(db) as session:
        assert session.get(User, 7).reachable is False
    assert "Forbidden" in caplog.text
    assert "Jansen" not in caplog.text and "0612345678" not in caplog.text


async def test_chat_migrated_moves_links_rows_and_cards_and_resends(db, vclock):
    new = -1001234
    with Session(db) as session:
        for slug in ("centrum", "noord"):
            session.add(GroupLink(chat_id=GROUP, neighbourhood_slug=slug, linked_by=1, linked_at=START))
        session.add(GroupLink(chat_id=new, neighbourhood_slug="centrum", linked_by=1, linked_at=START))
        request = HelpRequest(
            category_slug="boodschappen",
            neighbourhood_slug="centrum",
            created_at=START,
            card_chat_id=GROUP,
            card_message_id=9,
        )
        session.add(request)
        session.commit()
        request_id = request.id
    add(db, GROUP, "one")
    add(db, GROUP, "two")
    api = StubApi(vclock)
    api.fail_next(GROUP, ChatMigrated(new))
    sender = OutboxSender(db, api, vclock)

    assert await sender.deliver_due() == 1
    assert [(p["chat_id"], p["text"]) for _, _, p in api.calls] == [(GROUP, "one"), (new, "one")]
    with Session(db) as session:
        links = sorted((link.chat_id, link.neighbourhood_slug) for link in session.exec(select(GroupLink)).scalars())
        assert links == [(new, "centrum"), (new, "noord")]
        assert session.get(HelpRequest, request_id).card_chat_id == new
    assert {row.chat_id for row in rows(db).values()} == {new}
    await drive(sender, vclock, 3)
    assert api.texts(new) == ["one", "two"]
    assert row_by_text(db, "one").attempts == 1


async def test_not_modified_counts_as_sent_and_other_bad_requests_fail(db, vclock):
    with Session(db) as session:
        edit = enqueue(session, chat_id=3, method="editMessageText", params={"message_id": 4, "text": "x"}, now=START)
        session.commit()
        edit_id = edit.id
    bad = add(db, 4, "y")
    api = StubApi(vclock)
    api.fail_next(3, BadRequest("Message is not modified: specified new message content is the same"))
    api.fail_next(4, BadRequest("Chat not found"))

    assert await OutboxSender(db, api, vclock).deliver_due() == 1
    assert rows(db)[edit_id].status == OutboxStatus.SENT
    assert rows(db)[bad].status == OutboxStatus.FAILED
    assert rows(db)[bad].last_error == "BadRequest: Chat not found"


@pytest.mark.parametrize("error", [TimedOut(), NetworkError("Bad Gateway (502)")])
async def test_transient_errors_back_off_and_give_up_after_max_attempts(db, vclock, error):
    row_id = add(db, 9, "z")
    add(db, 10, "fine")
    api = StubApi(vclock)
    api.always[9] = error
    sender = OutboxSender(db, api, vclock, limits=Limits(max_attempts=4))

    await drive(sender, vclock, 1)
    assert api.texts(9) == ["z"]  # backing off
    await drive(sender, vclock, 60)
    assert api.texts(9) == ["z"] * 4
    row = rows(db)[row_id]
    assert row.status == OutboxStatus.FAILED and row.attempts == 4
    assert row.last_error.startswith(type(error).__name__)
    times = api.times(9)
    gaps = [(b - a).total_seconds() for a, b in pairwise(times)]
    assert gaps == sorted(gaps) and gaps[0] >= 2  # exponential


# ---------------------------------------------------------------- leases


async def test_a_leased_row_is_skipped_until_its_lease_expires(db, vclock):
    row_id = add(db, 11, "leased")
    with Session(db) as session:
        row = session.get(Outbox, row_id)
        row.locked_until = START + timedelta(seconds=10)
        session.add(row)
        session.commit()
    api = StubApi(vclock)
    sender = OutboxSender(db, api, vclock)

    assert await sender.deliver_due() == 0
    assert sender.next_due() == START + timedelta(seconds=10)
    vclock.advance(timedelta(seconds=11))  # the other worker died mid-send
    assert await sender.deliver_due() == 1
    row = rows(db)[row_id]
    assert row.status == OutboxStatus.SENT and row.locked_until is None


async def test_run_sleeps_until_the_next_row_and_stops(db, vclock):
    add(db, 1, "now")
    add(db, 2, "later", not_before=START + timedelta(seconds=3))
    api = StubApi(vclock)
    sender = OutboxSender(db, api, vclock)
    stop = asyncio.Event()
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        vclock.advance(timedelta(seconds=seconds))
        if len(api.calls) == 2 or len(sleeps) > 50:
            stop.set()

    await sender.run(stop, sleep=fake_sleep)
    assert api.texts() == ["now", "later"]
    assert all(0.02 <= s <= 1.0 for s in sleeps)
    assert sender.next_due() is None


# ---------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg_schema_url():
    require_postgres()
    with empty_postgres_schema("delivery") as schema:
        yield schema


def test_two_senders_on_postgresql_deliver_each_row_exactly_once(pg_schema_url):
    def engine():
        return postgres_engine_on(pg_schema_url)

    setup = engine()
    _base_rows(setup)
    with Session(setup) as session:
        for n in range(4):
            for chat_id in [*range(1, 41), -1, -2]:
                enqueue_message(session, chat_id=chat_id, text=f"{chat_id}:{n}", now=START)
        session.commit()
    total = 4 * 42
    clock = ManualClock(START)  # fixed: no lease ever expires, so nothing may be sent twice
    api = StubApi(delay=0.002)
    limits = Limits(overall_per_second=100_000, per_group_per_minute=100_000, per_chat_per_second=100_000)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        async def main() -> None:
            own = engine()
            sender = OutboxSender(own, api, clock, limits=limits, batch_size=15)
            deadline = time.monotonic() + 30
            try:
                while time.monotonic() < deadline:
                    await sender.deliver_due()
                    with own.connect() as connection:
                        pending = connection.execute(
                            select(func.count()).select_from(Outbox).where(Outbox.status == "pending")
                        ).scalar()
                    if pending == 0:
                        return
                    await asyncio.sleep(0.001)
            finally:
                own.dispose()

        try:
            asyncio.run(main())
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(name,), name=name) for name in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    texts = api.texts()
    assert len(texts) == total
    assert set(Counter(texts).values()) == {1}
    assert set(api.workers) == {"w1", "w2"}  # both took part
    for chat_id in [*range(1, 41), -1, -2]:
        assert api.texts(chat_id) == [f"{chat_id}:{n}" for n in range(4)]
    with Session(setup) as session:
        statuses = Counter(row.status for row in session.exec(select(Outbox)).scalars())
    assert statuses == {"sent": total}
    setup.dispose()


async def test_postgresql_a_row_being_leased_elsewhere_holds_back_its_chat(pg_schema_url):
    """SKIP LOCKED hides a row another sender is leasing right now; the rows after it must wait."""
    engine = postgres_engine_on(pg_schema_url)
    _base_rows(engine)
    first = add(engine, 1, "first")
    add(engine, 1, "second")
    add(engine, 2, "other")
    api = StubApi()
    sender = OutboxSender(engine, api, ManualClock(START))
    other = engine.connect()
    try:
        transaction = other.begin()
        other.execute(select(Outbox.id).where(Outbox.id == first).with_for_update())  # mid-lease elsewhere
        assert await sender.deliver_due() == 1
        assert api.texts() == ["other"]
        transaction.rollback()  # that sender died before committing its lease
        assert await sender.deliver_due() == 1
        assert await sender.deliver_due() == 0  # one a second per chat
        assert api.texts() == ["other", "first"]
    finally:
        other.close()
        engine.dispose()
