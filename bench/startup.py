"""Start-up and memory (not a test): `samenbot run` as a process against the fake Bot API over HTTP.

    .venv/bin/python bench/startup.py [--runs 3] [--residents 200]

Ready is the moment the bot first asks the fake for updates (migrated, data files loaded, desk listening,
post_init done, polling). Measured on an empty SQLite file (the first start migrates it) and on the same file
again (a restart). Then `--residents` people send /start and the resident memory (VmRSS) of the process is read
before and after. Goal: ready in under 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.results import append_row, print_table
from tests.support import updates as upd
from tests.support.http_bot_api import HttpBotAPI

TOKEN = "123456:TEST"
SAMENBOT = Path(sys.executable).with_name("samenbot")


def resident_memory_mb(pid: int) -> float:
    """VmRSS of a process, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def wait_until(condition, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise RuntimeError(f"samenbot stopped with exit code {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        time.sleep(0.005)


def start(server: HttpBotAPI, database: Path, workdir: Path) -> tuple[subprocess.Popen, float]:
    """Start `samenbot run`; return the process and the seconds until it polled."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.base_url,
        DATABASE_URL=f"sqlite:///{database}",
        DESK_PORT="0",
        TELEGRAM_THROTTLE="off",
    )
    server.call(server.api.calls.clear)
    began = time.monotonic()
    process = subprocess.Popen(
        [str(SAMENBOT), "run"], env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    polled = lambda: server.call(lambda: bool(server.api.calls_to("getUpdates")))  # noqa: E731
    wait_until(polled, 60, process)
    return process, time.monotonic() - began


def answered(server: HttpBotAPI, people: list) -> bool:
    """Whether every one of `people` has had an answer."""
    return server.call(lambda: all(server.api.messages(person.id) for person in people))


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    first, again, idle, busy = [], [], [], []
    with HttpBotAPI(token=TOKEN) as server:
        for _ in range(args.runs):
            workdir = Path(tempfile.mkdtemp())
            database = workdir / "startup.sqlite3"
            process, seconds = start(server, database, workdir)
            first.append(seconds)
            stop(process)
            process, seconds = start(server, database, workdir)
            again.append(seconds)
            idle.append(resident_memory_mb(process.pid))
            people = [upd.make_user(50_000 + n, f"B{n}") for n in range(args.residents)]
            for person in people:
                server.queue_update(lambda person=person: upd.command(person, None, "start"))
            wait_until(lambda people=people: answered(server, people), 120, process)
            busy.append(resident_memory_mb(process.pid))
            stop(process)
    columns = [
        "ready, empty database s",
        "ready, restart s",
        "RSS idle MB",
        f"RSS after {args.residents} residents MB",
    ]
    row = [
        f"{statistics.median(first):.2f} (max {max(first):.2f})",
        f"{statistics.median(again):.2f} (max {max(again):.2f})",
        f"{statistics.median(idle):.0f}",
        f"{statistics.median(busy):.0f}",
    ]
    print_table(columns, [row])
    print("goal: ready in under 2 s")
    if not args.no_write:
        append_row("Start-up and memory, `samenbot run` with the desk (bench/startup.py)", columns, row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
