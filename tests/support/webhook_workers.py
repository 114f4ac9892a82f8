"""Webhook workers as processes: `samenbot run --webhook --no-desk`, each on its own port, one database.

Used by tests/test_webhook_workers.py and bench/load.py. Updates are posted straight to a worker, with the
secret header, as Telegram (or a reverse proxy in front of the workers) would post them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine
from telegram import Update

from db.migrate import alembic_config
from tests.support.http_bot_api import HttpBotAPI
from tests.support.live import free_port

SECRET = "worker-secret"
HOOK_PATH = "/telegram/hook"


def stamped_url(engine: Engine, base_url: str) -> str:
    """The URL of `engine`'s PostgreSQL schema for another process (search_path in the URL); stamped at head."""
    with engine.begin() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar()
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.stamp(config, "head")
    return f"{base_url}?options={quote(f'-csearch_path={schema}')}"


def samenbot() -> list[str]:
    script = Path(sys.executable).with_name("samenbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


@dataclass
class Worker:
    """One `samenbot run --webhook --no-desk` process."""

    number: int
    env: dict[str, str]
    workdir: Path
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        self.log_path = self.workdir / f"worker-{self.number}.log"
        env = {**self.env, "PORT": str(self.port)}
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [*samenbot(), "run", "--webhook", "--no-desk"],
                env=env,
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def ready(self) -> bool:
        """Whether it answers /healthz (raises when the process has stopped)."""
        if self.process.poll() is not None:
            raise AssertionError(f"worker {self.number} stopped (exit {self.process.returncode})\n{self.log()}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def post(self, client: httpx.Client, update: Update) -> httpx.Response:
        """Post one update as Telegram would."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        return client.post(f"{self.url}{HOOK_PATH}", json=update.to_dict(), headers=headers, timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def worker_env(server: HttpBotAPI, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a worker on the fake Bot API and `database_url`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=server.token,
        TELEGRAM_API_BASE_URL=server.base_url,
        DATABASE_URL=database_url,
        WEBHOOK_URL=f"https://bot.example.nl{HOOK_PATH}",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN="127.0.0.1",
        TELEGRAM_THROTTLE="off",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def start_workers(count: int, env: dict[str, str], workdir: Path, *, timeout: float = 60) -> list[Worker]:
    """`count` workers, once each answers /healthz."""
    workers = [Worker(number, env, workdir) for number in range(1, count + 1)]
    deadline = time.monotonic() + timeout
    try:
        while not all(worker.ready() for worker in workers):
            if time.monotonic() > deadline:
                raise AssertionError("workers did not start:\n" + "\n".join(worker.log() for worker in workers))
            time.sleep(0.05)
    except BaseException:
        stop_workers(workers)
        raise
    return workers


def stop_workers(workers: list[Worker]) -> None:
    for worker in workers:
        worker.stop()
