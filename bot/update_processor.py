"""Updates of different people are handled at the same time; one person's updates one after the other, in order."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.metrics import UPDATE_SECONDS, UPDATES, update_kind

MAX_CONCURRENT_UPDATES = 4096
"""High on purpose: PTB takes a slot before the per-user lock, so one person's queued flood must not fill them all."""


def ordering_key(update: object) -> int | None:
    """Whose updates must stay in order: the user's (a person, in any chat), else the chat's; None for neither."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


async def _measured(update: object, coroutine: Awaitable[Any]) -> None:
    """Handle one update, counted by kind and timed (the wait for the same person's earlier updates excluded)."""
    began = time.perf_counter()
    try:
        await coroutine
    finally:
        UPDATE_SECONDS.observe(time.perf_counter() - began)
        UPDATES.labels(update_kind(update)).inc()


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """PTB's concurrent updates with one lock per user: a flood from one person never holds up another."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for this person's earlier updates, then handle this one."""
        key = ordering_key(update)
        if key is None:
            await _measured(update, coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await _measured(update, coroutine)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody else queued for this person: forget their lock
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
