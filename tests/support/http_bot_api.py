"""The fake Bot API over real HTTP on 127.0.0.1, for a bot that runs as a separate process.

`HttpBotAPI` serves a :class:`FakeBotAPI` at ``http://127.0.0.1:<port>/bot<token>/<method>`` from an
asyncio loop in a background thread (stdlib only). It answers GET and POST with a query string, a
form (what python-telegram-bot sends) or a JSON body, exactly as the fake would answer in-process;
injected time-outs and network errors close the connection without an answer. ``getUpdates`` long
polls: it returns as soon as an update is queued, else after its ``timeout``.

The fake is not thread-safe: everything that touches it runs in the server's loop. From the test's
thread use :meth:`HttpBotAPI.call` (run a function there and get its result), :meth:`queue_update`
and :meth:`snapshot`.

:meth:`hold` makes the server keep new calls (except ``getUpdates``) waiting without carrying them
out, as if the network stalled; :meth:`release` lets them through, or drops them if the process that
made them is gone (``drop=True``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from telegram.error import TelegramError

from tests.support.fake_bot_api import FakeBotAPI

__all__ = ["HttpBotAPI"]

T = TypeVar("T")

# Form values that are text even when they look like JSON (a message "42" stays the string "42").
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "inline_message_id",
        "parse_mode",
        "url",
        "title",
        "description",
        "name",
        "language_code",
        "secret_token",
        "invite_link",
        "emoji",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "address",
        "question",
        "short_description",
    }
)
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 429: "Too Many"}


def _form_value(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class HttpBotAPI:
    """A FakeBotAPI served over HTTP in a background thread; use as a context manager."""

    def __init__(self, api: FakeBotAPI | None = None, *, token: str = "123456:TEST") -> None:
        self.api = api or FakeBotAPI()
        self.token = token
        self.port = 0
        self.requests_served = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="http-bot-api", daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._new_update: asyncio.Event | None = None
        self._released: asyncio.Event | None = None
        self._generation = 0
        self._drop_before = 0
        self._writers: set[asyncio.StreamWriter] = set()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> HttpBotAPI:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    async def _start(self) -> None:
        self._new_update = asyncio.Event()
        self._released = asyncio.Event()
        self._released.set()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def close() -> None:
            assert self._server is not None
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            self._released.set()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def __enter__(self) -> HttpBotAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """What `TELEGRAM_API_BASE_URL` must be (python-telegram-bot's `base_url` form)."""
        return f"http://127.0.0.1:{self.port}/bot"

    # ------------------------------------------------------------------ from the test's thread
    def call(self, function: Callable[[], T], timeout: float = 10) -> T:
        """Run `function` in the server's loop (where the fake lives) and return its result."""

        async def run() -> T:
            return function()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=timeout)

    def queue_update(self, make_update: Callable[[], Any]) -> dict[str, Any]:
        """Build an update in the server's loop (so update ids stay in queue order) and queue it."""

        def queue() -> dict[str, Any]:
            data = self.api.queue_update(make_update())
            self._new_update.set()
            return data

        return self.call(queue)

    def snapshot(self) -> list:
        """A copy of the successful calls so far."""
        return self.call(lambda: list(self.api.calls))

    def hold(self) -> None:
        """Keep every new call (except getUpdates) waiting, not carried out, until `release`."""
        self.call(self._released.clear)

    def release(self, *, drop: bool = False) -> None:
        """Let held calls through; with `drop`, calls held so far are answered by closing the connection."""

        def go() -> None:
            if drop:
                self._drop_before = self._generation + 1
            self._generation += 1
            self._released.set()

        self.call(go)

    # ------------------------------------------------------------------ HTTP
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                request_line = await reader.readline()
                if not request_line.strip():
                    return
                verb, target, _version = request_line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b"\n", b""):
                        break
                    key, _, value = line.decode("latin-1").partition(":")
                    headers[key.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length") or 0))
                answer = await self._answer(verb, target, headers, body)
                if answer is None:  # a time-out or network error: no answer at all
                    return
                status, payload = answer
                head = (
                    f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
                    "Connection: keep-alive\r\n\r\n"
                )
                writer.write(head.encode() + payload)
                await writer.drain()
                self.requests_served += 1
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            return
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _answer(self, verb: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes] | None:
        url = urlsplit(target)
        prefix = f"/bot{self.token}/"
        if not url.path.startswith(prefix):
            if url.path.startswith("/bot"):
                return 401, _error(401, "Unauthorized")
            return 404, _error(404, "Not Found")
        method = url.path[len(prefix) :]
        params: dict[str, Any] = {key: _form_value(key, value) for key, value in parse_qsl(url.query)}
        content_type = headers.get("content-type", "")
        if body and "json" in content_type:
            params.update(json.loads(body))
        elif body and "x-www-form-urlencoded" in content_type:
            text = body.decode()
            params.update({key: _form_value(key, value) for key, value in parse_qsl(text, keep_blank_values=True)})
        elif body:
            return 400, _error(400, "Bad Request: only JSON and form bodies are supported")
        if method != "getUpdates" and not self._released.is_set():
            generation = self._generation
            await self._released.wait()
            if generation < self._drop_before:
                return None
        if method == "getUpdates":
            return await self._long_poll(params)
        return await self._carry_out(method, params)

    async def _carry_out(self, method: str, params: dict[str, Any]) -> tuple[int, bytes] | None:
        request = SimpleNamespace(parameters=params, contains_files=False)
        try:
            return await self.api.do_request(f"/bot{self.token}/{method}", "POST", request_data=request)
        except TelegramError:  # injected TimedOut / NetworkError
            return None

    async def _long_poll(self, params: dict[str, Any]) -> tuple[int, bytes] | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(params.get("timeout") or 0)
        while True:
            self._new_update.clear()
            answer = await self._carry_out("getUpdates", params)
            remaining = deadline - loop.time()
            if answer is None or answer[0] != 200 or json.loads(answer[1])["result"] or remaining <= 0:
                return answer
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout=remaining)


def _error(status: int, description: str) -> bytes:
    return json.dumps({"ok": False, "error_code": status, "description": description}).encode()
