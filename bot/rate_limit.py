"""Direct Bot API calls: throttled the way Telegram asks, and `RetryAfter` retried here, never in a handler.

Every call the bot makes passes PTB's rate limiter. This one:

* lets the outbox sender's calls through untouched (`rate_limit_args=OUTBOX`): the sender keeps its own
  limits and handles `RetryAfter` itself, row by row, without blocking anyone;
* throttles the other calls (replies to the user who acted) like PTB's `AIORateLimiter`: 30 calls per
  second overall, 20 per minute per group, unless `throttle` is off (a local test server);
* retries a `RetryAfter` after the wait Telegram asks for, up to `max_wait` seconds (and 5 retries) in all; only a
  longer flood reaches the error handler, which logs it and says nothing (a reply would be throttled too).

The wait is injectable: with a `ManualClock` it moves the clock instead of sleeping (tests never sleep).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.clock import Clock, ManualClock
from bot.delivery.limits import DEFAULT_LIMITS as LIMITS
from bot.delivery.limits import retry_after_seconds

log = logging.getLogger(__name__)

OUTBOX = "outbox"
"""`rate_limit_args` of the outbox sender's calls: no throttling, no retries here."""
MAX_WAIT = 60.0
MAX_RETRIES = 5
GROUP_PER_MINUTE = LIMITS.per_group_per_minute
MAX_GROUP_LIMITERS = 512

Sleep = Callable[[float], Awaitable[Any]]


def sleep_for(clock: Clock | None) -> Sleep:
    """Real sleep for a real clock; a `ManualClock` is moved forward instead."""
    if isinstance(clock, ManualClock):

        async def advance(seconds: float) -> None:
            clock.advance(timedelta(seconds=seconds))
            await asyncio.sleep(0)

        return advance
    return asyncio.sleep


class RetryingRateLimiter(BaseRateLimiter[str]):
    """PTB rate limiter: optional throttling, `RetryAfter` retried below the handlers."""

    def __init__(self, *, throttle: bool = True, max_wait: float = MAX_WAIT, sleep: Sleep = asyncio.sleep) -> None:
        self.throttle = throttle
        self.max_wait = max_wait
        self._sleep = sleep
        self._overall = AsyncLimiter(LIMITS.overall_per_second, 1)
        self._groups: dict[int | str, AsyncLimiter] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if rate_limit_args == OUTBOX:
            return await callback(*args, **kwargs)
        waited = 0.0
        for attempt in range(MAX_RETRIES + 1):
            try:
                async with self._limits(data.get("chat_id")):
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                delay = retry_after_seconds(error)
                if attempt == MAX_RETRIES or waited + delay > self.max_wait:
                    raise
                log.info("%s: Telegram asks to wait %ss; retrying", endpoint, delay)
                waited += delay
                await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    @contextlib.asynccontextmanager
    async def _limits(self, chat_id: Any) -> AsyncIterator[None]:
        """Telegram's limits for a call to `chat_id`: overall per second, and per minute in a group."""
        if not self.throttle or chat_id is None:
            yield
            return
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)
        group = None
        if isinstance(chat_id, str) or chat_id < 0:
            if len(self._groups) > MAX_GROUP_LIMITERS:
                # Forget idle groups (a full bucket); keep those that still count recent calls.
                busy = {
                    key: limiter for key, limiter in self._groups.items() if not limiter.has_capacity(GROUP_PER_MINUTE)
                }
                self._groups = busy
            group = self._groups.setdefault(chat_id, AsyncLimiter(GROUP_PER_MINUTE, 60))
        async with group or contextlib.nullcontext(), self._overall:
            yield
