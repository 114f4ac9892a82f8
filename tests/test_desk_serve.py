"""`samenbot run` serves the bot and the desk in one process; SIGTERM stops both cleanly; `samenbot desk` alone."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import updates as upd
from tests.support.http_bot_api import HttpBotAPI
from tests.support.live import live_database
from tests.test_subprocess import Bot, bot_env, samenbot, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::ResourceWarning")]
LISTENING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


@pytest.fixture
def server() -> Iterator[HttpBotAPI]:
    with HttpBotAPI() as server:
        yield server


def database_url(seeded_sqlite_file: Path) -> str:
    live_database(seeded_sqlite_file).dispose()
    return f"sqlite:///{seeded_sqlite_file}"


def test_samenbot_run_serves_bot_and_desk_and_stops_both(
    server: HttpBotAPI, tmp_path: Path, seeded_sqlite_file: Path
) -> None:
    bot = Bot(bot_env(server, database_url(seeded_sqlite_file)), tmp_path)
    try:
        wait_for(lambda: LISTENING.search(bot.log()), timeout=30, what="the desk listening", bot=bot)
        desk_url = LISTENING.search(bot.log()).group(1)
        assert httpx.get(f"{desk_url}/welkom").status_code == 200
        anna = upd.make_user(101, "Anna")
        server.queue_update(lambda: upd.command(anna, None, "/balie", None))
        wait_for(
            lambda: server.call(lambda: any("alleen voor" in m.get("text", "") for m in server.api.messages(101))),
            timeout=20,
            what="the bot answering /balie",
            bot=bot,
        )
        bot.process.send_signal(signal.SIGTERM)
        assert bot.process.wait(timeout=20) == 0, bot.log()
    finally:
        bot.stop()
    log = bot.log()
    assert "Finished server process" in log and "Traceback" not in log
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{desk_url}/welkom")


def test_samenbot_desk_serves_only_the_desk(tmp_path: Path, seeded_sqlite_file: Path) -> None:
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "DESK_"))},
        "DATABASE_URL": database_url(seeded_sqlite_file),
        "DESK_PORT": "0",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "desk.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([*samenbot(), "desk"], env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: LISTENING.search(log_path.read_text()), timeout=30, what="the desk listening")
        desk_url = LISTENING.search(log_path.read_text()).group(1)
        assert httpx.get(f"{desk_url}/welkom").status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0, log_path.read_text()
    finally:
        if process.poll() is None:
            process.kill()
    assert "Traceback" not in log_path.read_text()
