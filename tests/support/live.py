"""The whole app for browser tests: the bot on the fake Bot API over HTTP and the desk, in one event loop.

`LiveApp` runs `bot.serve.serve` (what `samenbot run` runs) in a background thread on a SQLite file, the bot
polling a :class:`HttpBotAPI`, the desk on a free port of 127.0.0.1. Tests talk to the bot through the
fake (`say`, `press`, `wait_for`) and to the desk through a real browser (Debian's chromium, driven by
Playwright): `chromium_browser` starts it, or skips the test locally when it is missing (never in CI).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.app import build_application, build_runtime
from bot.clock import SystemClock
from bot.config import Settings
from bot.desk import create_desk
from bot.serve import desk_server, serve
from bot.services.unit_of_work import UnitOfWork
from db.migrate import alembic_config
from db.session import make_engine
from tests.support import updates as upd
from tests.support.http_bot_api import HttpBotAPI

TOKEN = "123456:TEST"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
POLL = 0.05


def wait_for(condition: Callable[[], Any], *, timeout: float = 20, what: str) -> Any:
    """Poll `condition` every 50 ms until it gives something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(POLL)
    raise AssertionError(f"timed out waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveApp:
    """`samenbot run` in a thread: bot and desk in one loop, on the fake Bot API and a SQLite file."""

    server: HttpBotAPI
    engine: Engine
    settings: Settings
    _thread: threading.Thread | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _error: BaseException | None = None

    @property
    def desk_url(self) -> str:
        return self.settings.desk_url

    def start(self) -> LiveApp:
        application = build_application(self.settings, engine=self.engine)
        desk = desk_server(create_desk(application.bot_data["runtime"]), self.settings)

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(serve(application, desk, stop=self._stop, handle_signals=False))
            except BaseException as error:  # reported by `stop`
                self._error = error
            finally:
                self._loop.close()

        self._thread = threading.Thread(target=run, name="live-app", daemon=True)
        self._thread.start()
        wait_for(self._desk_answers, timeout=30, what="the desk to listen")
        return self

    def _desk_answers(self) -> bool:
        if self._error is not None:
            raise AssertionError(f"the app stopped: {self._error!r}")
        try:
            return httpx.get(f"{self.desk_url}/welkom", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(timeout=30)
        if self._error is not None:
            raise self._error

    def unit_of_work(self) -> UnitOfWork:
        """A unit of work on the app's database, its notices rendered as the app renders them."""
        return build_runtime(self.settings, self.engine, SystemClock()).unit_of_work()

    # ------------------------------------------------------------------ the bot side, through the fake
    def say(self, user, text: str, chat=None) -> None:
        """`user` sends `text` (a /command or plain text) in a private chat, or in group `chat`."""
        if text.startswith("/"):
            name, _, args = text.partition(" ")
            self.server.queue_update(lambda: upd.command(user, chat, name, args or None))
        elif chat is None:
            self.server.queue_update(lambda: upd.private_text(user, text))
        else:
            self.server.queue_update(lambda: upd.group_text(user, chat, text))

    def messages(self, chat_id: int) -> list[dict]:
        return self.server.call(lambda: list(self.server.api.messages(chat_id)))

    def wait_for_message(self, chat_id: int, contains: str, *, timeout: float = 20) -> dict:
        """The newest message in `chat_id` whose text holds `contains`, once the bot sent it."""

        def found() -> dict | None:
            return next((m for m in reversed(self.messages(chat_id)) if contains in m.get("text", "")), None)

        return wait_for(found, timeout=timeout, what=f"a message with {contains!r} in chat {chat_id}")

    def press(self, user, chat_id: int, data_prefix: str) -> None:
        """`user` presses the newest button in `chat_id` whose callback data starts with `data_prefix`."""

        def make():
            for message in reversed(self.server.api.messages(chat_id)):
                for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                    for key in row:
                        if key.get("callback_data", "").startswith(data_prefix):
                            return upd.callback(user, message, key["callback_data"])
            raise AssertionError(f"no button {data_prefix!r} in chat {chat_id}")

        self.server.queue_update(make)


def live_database(seeded_file: Path, setup: Callable[[Session], None] | None = None) -> Engine:
    """The seeded SQLite file (tests' `seeded_sqlite_file`) stamped at the newest migration, with `setup`'s rows."""
    engine = make_engine(f"sqlite:///{seeded_file}")
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.stamp(config, "head")
    if setup is not None:
        with Session(engine) as session:
            setup(session)
            session.commit()
    return engine


def live_settings(server: HttpBotAPI, engine: Engine, coordinator_ids: tuple[int, ...]) -> Settings:
    port = free_port()
    return Settings(
        bot_token=TOKEN,
        database_url=engine.url.render_as_string(hide_password=False),
        api_base_url=server.base_url,
        coordinator_ids=coordinator_ids,
        throttle=False,
        desk_port=port,
        desk_base_url=f"http://127.0.0.1:{port}",
    )


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Any]:
    """Debian's chromium through Playwright; skipped locally when missing, never in CI.

    Module scope: Playwright's sync API keeps an event loop running on the main thread while it is open, which
    the asyncio tests of later modules must not find.
    """
    if not chromium_available():
        if os.environ.get("CI", "").lower() == "true":
            raise AssertionError(f"chromium is missing at {CHROMIUM}; .ci/run installs it with apt-get")
        pytest.skip(f"chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
