"""`samenbot run` as a real process against the fake Bot API over HTTP: the whole loop, and SIGKILL.

Real time here (a subprocess), but every wait is a bounded poll on a condition (50 ms steps).
The database is a SQLite file, built from the models and stamped at the newest migration (the
migrations themselves are checked in tests/test_migrations.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from alembic import command
from sqlmodel import Session, select

from bot.services.outbox import enqueue_message
from bot.services.places import link_group
from db.migrate import alembic_config
from db.models import HelpRequest, Neighbourhood, Outbox, OutboxStatus, User
from db.session import make_engine
from tests.support import updates as upd
from tests.support.http_bot_api import HttpBotAPI

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]

TOKEN = "123456:TEST"
COORDINATOR = 900
POLL = 0.05
ACCEPTED = "Dank u wel. Uw vraag"


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, bot: Bot | None = None) -> None:
    """Poll `condition` every 50 ms until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if bot is not None and bot.process.poll() is not None:
            raise AssertionError(f"the bot stopped (exit {bot.process.returncode}) waiting for {what}\n{bot.log()}")
        time.sleep(POLL)
    raise AssertionError(f"timed out waiting for {what}" + (f"\n{bot.log()}" if bot else ""))


def prepare_database(path: Path, setup: Callable[[Session], None] | None = None) -> str:
    """Stamp the seeded SQLite file at `path` at the newest migration, run `setup` on it; its URL."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.stamp(config, "head")
    with Session(engine) as session:
        if setup is not None:
            setup(session)
        session.commit()
    engine.dispose()
    return url


def samenbot() -> list[str]:
    script = Path(sys.executable).with_name("samenbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


@dataclass
class Bot:
    """One `samenbot run` process."""

    env: dict[str, str]
    workdir: Path
    number: int = 0
    process: subprocess.Popen = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.workdir / f"bot-{self.number}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [*samenbot(), "run"], env=self.env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def bot_env(server: HttpBotAPI, database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.base_url,
        DATABASE_URL=database_url,
        COORDINATOR_IDS=str(COORDINATOR),
        TELEGRAM_THROTTLE="off",  # a local test server: replies are not throttled (the outbox still is)
        DESK_PORT="0",  # the desk beside the bot, on a free port
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def server() -> Iterator[HttpBotAPI]:
    with HttpBotAPI(token=TOKEN) as server:
        yield server


def button(api, chat_id: int, data_prefix: str) -> tuple[dict, str] | None:
    """The newest message in `chat_id` with a button whose callback data starts with `data_prefix`."""
    return newest_button(api.messages(chat_id), data_prefix)


def newest_button(messages: list[dict], data_prefix: str) -> tuple[dict, str] | None:
    """The newest of `messages` with a button whose callback data starts with `data_prefix`."""
    for message in reversed(messages):
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for key in row:
                if key.get("callback_data", "").startswith(data_prefix):
                    return message, key["callback_data"]
    return None


def test_the_http_fake_answers_like_the_bot_api(server: HttpBotAPI) -> None:
    base = f"{server.base_url}{TOKEN}"
    with httpx.Client() as client:
        sent = client.post(f"{base}/sendMessage", data={"chat_id": "5", "text": "42"}).json()
        assert sent["ok"] and sent["result"]["text"] == "42" and sent["result"]["chat"]["id"] == 5
        assert client.post(f"{base}/sendMessage", json={"chat_id": 5, "text": "hoi"}).json()["ok"]
        assert client.get(f"{base}/getMe").json()["result"]["is_bot"]
        assert client.post(f"{server.base_url}wrong/getMe").status_code == 401
        server.call(lambda: server.api.fail("sendMessage", "retry_after", retry_after=3))
        flood = client.post(f"{base}/sendMessage", json={"chat_id": 5, "text": "x"})
        assert flood.status_code == 429 and flood.json()["parameters"]["retry_after"] == 3
        server.call(lambda: server.api.fail("sendMessage", "timeout"))
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(f"{base}/sendMessage", json={"chat_id": 5, "text": "x"})
        # Long polling: an idle poll waits for its timeout, a queued update ends it at once.
        started = time.monotonic()
        assert client.post(f"{base}/getUpdates", json={"timeout": 0.3}).json()["result"] == []
        assert time.monotonic() - started >= 0.25
        user = upd.make_user(7, "Els")
        server._loop.call_later(0.1, lambda: server.api.queue_update(upd.private_text(user, "hallo")) and None)
        server._loop.call_later(0.1, lambda: server._new_update.set())
        started = time.monotonic()
        polled = client.post(f"{base}/getUpdates", json={"timeout": 10}, timeout=15).json()["result"]
        assert [u["message"]["text"] for u in polled] == ["hallo"]
        assert time.monotonic() - started < 5


def test_samenbot_run_serves_the_whole_loop_over_http(
    server: HttpBotAPI, tmp_path: Path, seeded_sqlite_file: Path
) -> None:
    url = prepare_database(seeded_sqlite_file)
    env = bot_env(server, url)
    added = subprocess.run(
        [*samenbot(), "volunteer", "add", "202", "klimmen"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert added.returncode == 0, added.stderr
    api = server.api
    coordinator, volunteer, anna = (
        upd.make_user(COORDINATOR, "Carla"),
        upd.make_user(202, "Piet"),
        upd.make_user(101, "Anna"),
    )
    group = upd.make_group(-2001, "Klimmen helpt")
    bot = Bot(env, tmp_path)
    try:

        def step(make_update: Callable[[], object], until: Callable[[], object], what: str) -> None:
            server.queue_update(make_update)
            wait_for(lambda: server.call(until), timeout=20, what=what, bot=bot)

        def press(user, chat_id: int, prefix: str) -> Callable[[], object]:
            def make():
                message, data = button(api, chat_id, prefix)
                return upd.callback(user, message, data)

            return make

        def last_text(chat_id: int) -> str:
            messages = api.messages(chat_id)
            return messages[-1].get("text", "") if messages else ""

        step(lambda: upd.command(coordinator, group, "koppel"), lambda: button(api, group.id, "lnkm:"), "/koppel")
        step(press(coordinator, group.id, "lnkm:voerendaal"), lambda: button(api, group.id, "lnk:klimmen"), "gemeente")
        step(press(coordinator, group.id, "lnk:klimmen"), lambda: "gekoppeld" in last_text(group.id), "wijk")
        step(lambda: upd.command(anna, None, "start"), lambda: button(api, anna.id, "mun:voerendaal"), "/start")
        step(press(anna, anna.id, "mun:voerendaal"), lambda: button(api, anna.id, "nb:klimmen"), "Voerendaal")
        step(press(anna, anna.id, "nb:klimmen"), lambda: "Klimmen" in json.dumps(api.messages(anna.id)), "Klimmen")
        step(
            lambda: upd.private_text(anna, "kan iemand morgen mijn boodschappen doen?"),
            lambda: button(api, anna.id, "cat:boodschappen"),
            "the category",
        )
        step(press(anna, anna.id, "cat:boodschappen"), lambda: button(api, anna.id, "details:skip"), "details")
        step(press(anna, anna.id, "details:skip"), lambda: button(api, anna.id, "send:yes"), "the summary")
        step(press(anna, anna.id, "send:yes"), lambda: ACCEPTED in last_text(anna.id), "the confirmation")
        wait_for(lambda: server.call(lambda: button(api, group.id, "claim:")), timeout=20, what="the card", bot=bot)
        # A volunteer has a private chat with the bot (the claim's details go there), as after signing up.
        step(lambda: upd.command(volunteer, None, "start"), lambda: api.messages(volunteer.id), "Piet's /start")
        step(press(volunteer, group.id, "claim:"), lambda: "Piet helpt al" in last_text(group.id), "the claim")
        wait_for(
            lambda: server.call(lambda: any("Piet helpt u" in m.get("text", "") for m in api.messages(anna.id))),
            timeout=20,
            what="the resident hears who helps",
            bot=bot,
        )
        assert server.call(lambda: "Neem contact op" in last_text(volunteer.id))
    finally:
        bot.stop()


# ---------------------------------------------------------------------- crash safety

RESIDENTS = 200
BROADCAST_PEOPLE = 60
ORDER = ("send:yes", "details:skip", "when:any", "cat:boodschappen")
"""What a resident presses, most advanced step first."""


@dataclass
class Resident:
    user: object
    text: str
    pressed: set = field(default_factory=set)
    last_action: float = 0.0
    asks: int = 0


class Crowd:
    """Residents who each ask for groceries; driven from the server's loop, one look per tick."""

    def __init__(self, server: HttpBotAPI, residents: list[Resident]) -> None:
        self.server = server
        self.residents = residents

    def accepted(self) -> set[int]:
        api = self.server.api
        return {
            r.user.id for r in self.residents if any(ACCEPTED in m.get("text", "") for m in api.messages(r.user.id))
        }

    def tick(self, stuck_after: float = 4.0) -> int:
        """Press the next button of every resident who can go on; ask again when stuck. Returns accepted."""
        api, now = self.server.api, time.monotonic()
        accepted = self.accepted()
        # Someone whose update still waits to be fetched is not stuck: the bot is busy.
        queued = {(u.get("message") or u.get("callback_query") or {}).get("from", {}).get("id") for u in api._updates}
        for resident in self.residents:
            if resident.user.id in accepted:
                continue
            messages = api.messages(resident.user.id)  # one look per resident: the tick changes no message
            for prefix in ORDER:
                found = newest_button(messages, prefix)
                if found and (found[0]["message_id"], found[1]) not in resident.pressed:
                    message, data = found
                    resident.pressed.add((message["message_id"], data))
                    api.queue_update(upd.callback(resident.user, message, data))
                    resident.last_action = now
                    break
            else:
                if now - resident.last_action > stuck_after and resident.user.id not in queued:
                    # As a person would: press the buttons on screen again (the bot may have restarted
                    # with the conversation where it was), and say again what they need.
                    resident.pressed.clear()
                    resident.asks += 1
                    api.queue_update(upd.private_text(resident.user, resident.text))
                    resident.last_action = now
        self.server._new_update.set()
        return len(accepted)


def message_key(call) -> tuple:
    return (call.chat_id, call.text, tuple(call.callback_data))


def row_key(row: Outbox, card_chat: int | None) -> tuple:
    markup = row.params.get("reply_markup") or {}
    data = tuple(k["callback_data"] for r in markup.get("inline_keyboard", []) for k in r if "callback_data" in k)
    return (card_chat if row.ref_kind == "card" else row.chat_id, row.params.get("text"), data)


def test_sigkill_halfway_loses_nothing_and_sends_nothing_twice(
    server: HttpBotAPI, tmp_path: Path, seeded_sqlite_file: Path
) -> None:
    """200 requests in a burst and a broadcast; SIGKILL halfway; a restart finishes the work.

    The kill comes while calls are in flight: the server holds them (they never happen) and the
    process dies. The one moment a crash can still duplicate a message is between Telegram's answer
    and the commit right after it (Telegram has no idempotency key); the test lets those commits land
    before it kills, and shows that nothing else is lost or repeated.
    """
    places: list[str] = []

    def setup(session: Session) -> None:
        now = datetime.now(UTC)
        kernen = session.exec(select(Neighbourhood).where(Neighbourhood.kind == "kern").order_by(Neighbourhood.slug))
        places.extend(place.slug for place in list(kernen)[:12])
        for n, slug in enumerate(places):
            link_group(session, chat_id=-3000 - n, title=slug, neighbourhood_slug=slug, linked_by=COORDINATOR, now=now)
        for n in range(RESIDENTS):
            session.add(
                User(
                    id=10_000 + n,
                    first_name=f"Bewoner {n}",
                    neighbourhood_slug=places[n % len(places)],
                    has_private_chat=True,
                    created_at=now,
                )
            )

    url = prepare_database(seeded_sqlite_file, setup)
    engine = make_engine(url)
    env = bot_env(server, url)
    crowd = Crowd(
        server,
        [
            Resident(upd.make_user(10_000 + n, f"Bewoner {n}"), f"kan iemand morgen mijn boodschappen doen? lijst {n}")
            for n in range(RESIDENTS)
        ],
    )
    first = Bot(env, tmp_path, 1)
    second = None
    try:
        # The burst: every resident writes at once; the broadcast is queued in the database meanwhile.
        now = time.monotonic()
        for resident in crowd.residents:
            resident.last_action = now
            server.queue_update(lambda r=resident: upd.private_text(r.user, r.text))
        with Session(engine) as session:
            for n in range(BROADCAST_PEOPLE):
                for part in (1, 2):
                    enqueue_message(
                        session, chat_id=20_000 + n, text=f"Buurtnieuws {part} voor {n}", now=datetime.now(UTC)
                    )
            session.commit()

        wait_for(
            lambda: server.call(lambda: crowd.tick(stuck_after=1e9)) >= RESIDENTS // 3,
            timeout=60,
            what="a third accepted",
            bot=first,
        )
        server.hold()
        wait_for(lambda: recorded(server, engine), timeout=10, what="answered sends recorded", bot=first)
        accepted_before = server.call(crowd.accepted)
        sent_before = len(server.snapshot())
        first.kill()
        server.release(drop=True)
        assert len(accepted_before) < RESIDENTS
        assert pending(engine) > 0, "the kill came too late to interrupt the outbox"

        second = Bot(env, tmp_path, 2)
        wait_for(
            lambda: server.call(lambda: crowd.tick(stuck_after=5.0)) == RESIDENTS and pending(engine) == 0,
            timeout=90,
            what="every resident accepted and the outbox empty",
            bot=second,
        )
        assert len(server.snapshot()) > sent_before
    finally:
        first.stop()
        if second is not None:
            second.stop()

    calls = server.snapshot()
    counts = Counter(message_key(call) for call in calls if call.method == "sendMessage")
    with Session(engine) as session:
        requests = session.exec(select(HelpRequest)).all()
        rows = session.exec(select(Outbox)).all()
        card_chats = {request.id: request.card_chat_id for request in requests}
    engine.dispose()
    # Every accepted request is stored: each resident who was thanked has a request.
    residents_with_requests = {request.resident_id for request in requests}
    assert set(server.call(crowd.accepted)) <= residents_with_requests
    assert accepted_before <= residents_with_requests
    # Every stored request's card went out exactly once; every broadcast message exactly once.
    unsent = [(row.id, row.method, row.status, row.last_error) for row in rows if row.status != OutboxStatus.SENT]
    assert not unsent, unsent
    cards = Counter(
        data
        for call in calls
        if call.method == "sendMessage"
        for data in call.callback_data
        if data.startswith("claim:")
    )
    assert {int(data.split(":")[1]) for data in cards} == {request.id for request in requests}
    assert set(cards.values()) == {1}
    # Each new message row exactly once (the same question asked twice is two rows; an edit twice shows nothing new).
    expected = Counter(row_key(row, card_chats.get(row.ref_id)) for row in rows if row.method == "sendMessage")
    for key, times in expected.items():
        assert counts[key] == times, key
    for n in range(BROADCAST_PEOPLE):
        for part in (1, 2):
            assert counts[(20_000 + n, f"Buurtnieuws {part} voor {n}", ())] == 1


def pending(engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(Outbox.id).where(Outbox.status == OutboxStatus.PENDING)).all())


def recorded(server: HttpBotAPI, engine) -> bool:
    """Every outbox message the server accepted is marked sent in the database (no commit outstanding)."""
    delivered = {message_key(call) for call in server.snapshot() if call.method == "sendMessage"}
    with Session(engine) as session:
        requests = {r.id: r.card_chat_id for r in session.exec(select(HelpRequest))}
        unsent = session.exec(select(Outbox).where(Outbox.status == OutboxStatus.PENDING)).all()
    return not any(row_key(row, requests.get(row.ref_id)) in delivered for row in unsent)


HELP_STEPS = (
    ("text", "kan iemand morgen mijn boodschappen doen?", "cat:boodschappen"),
    ("press", "cat:boodschappen", "details:skip"),
    ("press", "details:skip", "send:yes"),
    ("press", "send:yes", None),
)
"""A resident's help request: what they do, and the button (None: the thanks) that shows the bot answered."""


@pytest.mark.parametrize("killed_after", range(1, len(HELP_STEPS) + 1))
def test_sigkill_after_any_step_of_a_help_request_gives_one_request_and_one_card(
    server: HttpBotAPI, tmp_path: Path, seeded_sqlite_file: Path, killed_after: int
) -> None:
    anna, group = upd.make_user(101, "Anna"), -2001

    def setup(session: Session) -> None:
        now = datetime.now(UTC)
        link_group(
            session, chat_id=group, title="Klimmen", neighbourhood_slug="klimmen", linked_by=COORDINATOR, now=now
        )
        session.add(
            User(id=anna.id, first_name="Anna", neighbourhood_slug="klimmen", has_private_chat=True, created_at=now)
        )

    url = prepare_database(seeded_sqlite_file, setup)
    env, api = bot_env(server, url), server.api
    bots = [Bot(env, tmp_path, 1)]
    try:
        for number, (kind, what, answer) in enumerate(HELP_STEPS, start=1):
            if kind == "text":
                server.queue_update(lambda what=what: upd.private_text(anna, what))
            else:
                server.queue_update(lambda what=what: upd.callback(anna, *button(api, anna.id, what)))
            shown = (lambda a=answer: button(api, anna.id, a)) if answer else (lambda: ACCEPTED in last(api, anna.id))
            wait_for(
                lambda shown=shown: server.call(shown), timeout=20, what=f"the answer to step {number}", bot=bots[-1]
            )
            if number == killed_after:
                bots[-1].kill()
                bots.append(Bot(env, tmp_path, 2))
        engine = make_engine(url)
        wait_for(lambda: server.call(lambda: cards(server)), timeout=20, what="the card", bot=bots[-1])
        wait_for(lambda: pending(engine) == 0, timeout=20, what="the outbox empty", bot=bots[-1])
    finally:
        for bot in bots:
            bot.stop()
    with Session(engine) as session:
        requests = session.exec(select(HelpRequest)).all()
    engine.dispose()
    assert len(requests) == 1 and requests[0].category_slug == "boodschappen"
    assert [call.chat_id for call in server.call(lambda: cards(server))] == [group]


def last(api, chat_id: int) -> str:
    messages = api.messages(chat_id)
    return messages[-1].get("text", "") if messages else ""


def cards(server: HttpBotAPI) -> list:
    """The group cards sent (a sendMessage with an "Ik help" button)."""
    return [
        call
        for call in server.api.calls_to("sendMessage")
        if any(data.startswith("claim:") for data in call.callback_data)
    ]
