"""`samenbot run` and `samenbot desk`: bot, webhook and desk in one event loop, started and stopped together.

The bot runs as python-telegram-bot's `run_polling` would (initialize, post_init, updater, start; then the
reverse), but without owning the loop, so uvicorn can serve the desk and the webhook beside it. SIGINT and
SIGTERM set one stop event; all then stop cleanly: the webhook and the desk finish open requests, the updater
stops fetching, the outbox sender finishes its pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import uvicorn
from telegram.ext import Application

from bot.config import Settings

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class HttpServer(uvicorn.Server):
    """uvicorn's server without signal handlers of its own: the shared stop event ends it."""

    def __init__(self, config: uvicorn.Config, name: str) -> None:
        super().__init__(config)
        self.name = name

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    @property
    def port(self) -> int | None:
        """The port it listens on (useful with port 0), once started."""
        for server in self.servers:
            for sock in server.sockets:
                return sock.getsockname()[1]
        return None


class ServerDidNotStart(RuntimeError):
    """The desk or the webhook could not listen (e.g. its port is taken)."""


def http_server(app: Any, host: str, port: int, name: str) -> HttpServer:
    """uvicorn serving `app`; no access log (a login link is a secret)."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="off",
        server_header=False,
        proxy_headers=True,
    )
    return HttpServer(config, name)


def desk_server(app: Any, settings: Settings) -> HttpServer:
    """The desk at DESK_HOST:DESK_PORT."""
    return http_server(app, settings.desk_host, settings.desk_port, "desk")


def webhook_server(app: Any, settings: Settings) -> HttpServer:
    """The webhook (with /healthz and /metrics) at WEBHOOK_LISTEN:PORT."""
    return http_server(app, settings.webhook_listen, settings.webhook_port, "webhook")


async def _serve_http(server: HttpServer) -> None:
    where = f"the {server.name} could not listen on {server.config.host}:{server.config.port}"
    try:
        await server.serve()
    except SystemExit as error:  # uvicorn exits the process when it cannot bind; we stop the bot with it instead
        raise ServerDidNotStart(where) from error
    if not server.started:
        raise ServerDidNotStart(where)


async def serve(
    application: Application | None,
    desk: HttpServer | None,
    *,
    stop: asyncio.Event,
    webhook: HttpServer | None = None,
    on_webhook: Callable[[], Awaitable[Any]] | None = None,
    handle_signals: bool = True,
) -> None:
    """Run the bot (polling, or through `webhook`, registered by `on_webhook` once it listens) and the desk."""
    if handle_signals:
        loop = asyncio.get_running_loop()
        for stop_signal in STOP_SIGNALS:
            loop.add_signal_handler(stop_signal, stop.set)
    servers = [server for server in (webhook, desk) if server is not None]
    tasks: list[asyncio.Task] = []
    try:
        if application is not None:
            await _start_bot(application, polling=webhook is None)
        tasks = [asyncio.create_task(_serve_http(server), name=server.name) for server in servers]
        stopping = asyncio.create_task(stop.wait(), name="stop")
        if webhook is not None and on_webhook is not None:
            await _listening(webhook, tasks[0])
            await on_webhook()
        await asyncio.wait({stopping, *tasks}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
    finally:
        for server in servers:  # the webhook first: no new updates while the bot stops
            server.should_exit = True
        errors = [error for error in [await _finish(task) for task in tasks] if error is not None]
        if application is not None:
            await _stop_bot(application)
        if handle_signals:
            for stop_signal in STOP_SIGNALS:
                loop.remove_signal_handler(stop_signal)
    if errors:
        raise errors[0]


async def _listening(server: HttpServer, task: asyncio.Task) -> None:
    """Wait until `server` listens (or its task ended: its error is raised when the tasks finish)."""
    while not server.started and not task.done():
        await asyncio.sleep(0.01)


async def _finish(task: asyncio.Task) -> BaseException | None:
    """Wait for a server to finish; its failure to start, if any."""
    if not task.done():
        await asyncio.wait({task})
    return None if task.cancelled() else task.exception()


async def _start_bot(application: Application, *, polling: bool) -> None:
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    if polling:
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
