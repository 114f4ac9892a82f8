"""`samenbot run` and `samenbot desk`: the bot and the desk in one event loop, started and stopped together.

The bot runs as python-telegram-bot's `run_polling` would (initialize, post_init, updater, start; then the
reverse), but without owning the loop, so uvicorn's server can serve the desk beside it. SIGINT and SIGTERM
set one stop event; both then stop cleanly: the updater stops fetching, the desk finishes open requests,
the outbox sender finishes its pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator
from typing import Any

import uvicorn
from telegram.ext import Application

from bot.config import Settings

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class DeskServer(uvicorn.Server):
    """uvicorn's server without signal handlers of its own: the shared stop event ends it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    @property
    def port(self) -> int | None:
        """The port it listens on (useful with DESK_PORT=0), once started."""
        for server in self.servers:
            for sock in server.sockets:
                return sock.getsockname()[1]
        return None


class DeskDidNotStart(RuntimeError):
    """The desk could not listen (e.g. its port is taken)."""


def desk_server(app: Any, settings: Settings) -> DeskServer:
    """uvicorn serving the desk at DESK_HOST:DESK_PORT; no access log (a login link is a secret)."""
    config = uvicorn.Config(
        app,
        host=settings.desk_host,
        port=settings.desk_port,
        log_config=None,
        access_log=False,
        lifespan="off",
        server_header=False,
        proxy_headers=True,
    )
    return DeskServer(config)


async def _serve_desk(server: DeskServer) -> None:
    try:
        await server.serve()
    except SystemExit as error:  # uvicorn exits the process when it cannot bind; we stop the bot with it instead
        raise DeskDidNotStart(f"the desk could not listen on {server.config.host}:{server.config.port}") from error
    if not server.started:
        raise DeskDidNotStart(f"the desk could not listen on {server.config.host}:{server.config.port}")


async def serve(
    application: Application | None,
    desk: DeskServer | None,
    *,
    stop: asyncio.Event,
    webhook: dict[str, Any] | None = None,
    handle_signals: bool = True,
) -> None:
    """Run the bot (polling, or the webhook with these options) and the desk until `stop` is set."""
    if handle_signals:
        loop = asyncio.get_running_loop()
        for stop_signal in STOP_SIGNALS:
            loop.add_signal_handler(stop_signal, stop.set)
    desk_task: asyncio.Task | None = None
    try:
        if application is not None:
            await _start_bot(application, webhook)
        waits = {asyncio.create_task(stop.wait(), name="stop")}
        if desk is not None:
            desk_task = asyncio.create_task(_serve_desk(desk), name="desk")
            waits.add(desk_task)
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in waits:
            if task is not desk_task:
                task.cancel()
    finally:
        if desk_task is not None:
            desk.should_exit = True
            await _finish(desk_task)
        if application is not None:
            await _stop_bot(application)
        if handle_signals:
            for stop_signal in STOP_SIGNALS:
                loop.remove_signal_handler(stop_signal)


async def _finish(desk_task: asyncio.Task) -> None:
    """Wait for the desk to finish; its failure to start is raised, once the bot has stopped too."""
    if not desk_task.done():
        await asyncio.wait({desk_task})
    error = desk_task.exception()
    if error is not None:
        raise error


async def _start_bot(application: Application, webhook: dict[str, Any] | None) -> None:
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    if webhook is not None:
        await application.updater.start_webhook(**webhook)
    else:
        await application.updater.start_polling(allowed_updates=None)
    await application.start()


async def _stop_bot(application: Application) -> None:
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
