"""The one outbox sender: delivers `Outbox` rows to the Bot API within Telegram's limits.

How a pass works (`OutboxSender.deliver_due`):

1. Lease (one short transaction, `OutboxStore.lease_due`): due rows in id order, each chat's order kept.
2. Send, without holding a transaction: one coroutine per chat walks that chat's rows in id order; chats
   run concurrently (bounded by `concurrency`). Before each call the process's `Throttle` decides;
   a row the limits do not allow yet, and every later row of its chat, gets `not_before` moved to the
   moment it will be allowed. Each sent row is written at once, so a crash in the middle of a pass resends
   nothing but the calls in flight at that moment.
3. Record (one transaction): status / not_before / attempts / last_error of every other leased row, the
   cards' message ids, unreachable users; the lease is freed.

`send_now` runs steps 2 and 3 over the rows a handler has just committed (written already leased): a reply
goes out right after the commit, or, if the limits say wait, is left to the next pass, in order. Nothing
here ever sleeps on a limit or a 429: rows are put off instead, and `run` waits for the next due row or a
`wake()`.

Privacy: log lines carry only row id, method, chat id and an error class, never a message text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Engine
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.clock import Clock
from bot.delivery.limits import DEFAULT_LIMITS, MESSAGE_CREATING, Limits, Throttle, retry_after_seconds
from bot.delivery.store import Lease, OutboxStore, Row
from bot.metrics import OUTBOX_LAG, RETRY_AFTER
from db.models import OutboxStatus

log = logging.getLogger(__name__)

BACKOFF_FIRST = timedelta(seconds=2)
BACKOFF_MAX = timedelta(minutes=5)
CARD_WAIT = timedelta(seconds=2)
"""How long a card edit waits, at least, when its card has not been sent yet."""
MIN_SLEEP = 0.02
MAX_SLEEP = 1.0

# Markers in last_error for deferrals that are not errors (they make the row block later rows of its chat).
DEFERRED_RATE_LIMIT = "deferred: rate limit"
DEFERRED_AFTER_EARLIER = "deferred: earlier message of this chat"

_FAILED = OutboxStatus.FAILED.value
_SENT = OutboxStatus.SENT.value
_PENDING = OutboxStatus.PENDING.value

Call = Callable[[str, dict[str, Any]], Awaitable[Any]]


class Outcome(StrEnum):
    """What became of one try of one row."""

    DECIDED = "decided"  # sent, failed for good, or put off without holding back its chat: go on with the next
    AGAIN = "again"  # try the same row again at once (its group migrated)
    PUT_OFF = "put_off"  # it waits; the rest of its chat waits behind it


def _message_ref(result: Any, fallback_chat_id: int) -> tuple[int, int] | None:
    """(chat id, message id) of a sent message, from a raw JSON result or a telegram.Message."""
    if isinstance(result, dict):
        message_id = result.get("message_id")
        chat = result.get("chat")
        chat_id = chat.get("id") if isinstance(chat, dict) else None
    else:
        message_id = getattr(result, "message_id", None)
        chat_id = getattr(getattr(result, "chat", None), "id", None)
    if not isinstance(message_id, int):
        return None
    return (chat_id if isinstance(chat_id, int) else fallback_chat_id), message_id


def _poll_id(result: Any) -> str | None:
    """The id of a sent poll, from a raw JSON result or a telegram.Message."""
    poll = result.get("poll") if isinstance(result, dict) else getattr(result, "poll", None)
    poll_id = poll.get("id") if isinstance(poll, dict) else getattr(poll, "id", None)
    return poll_id if isinstance(poll_id, str) else None


def _describe(error: BaseException) -> str:
    """last_error text: the class, plus Telegram's own description (never the message we sent)."""
    name = type(error).__name__
    if isinstance(error, TelegramError) and error.message:
        return f"{name}: {error.message}"[:300]
    return name


class OutboxSender:
    """Delivers `Outbox` rows; several instances (processes) may run against one database."""

    def __init__(
        self,
        engine: Engine,
        call: Call,
        clock: Clock,
        *,
        limits: Limits = DEFAULT_LIMITS,
        throttle: Throttle | None = None,
        batch_size: int = 100,
        concurrency: int = 16,
    ) -> None:
        self.store = OutboxStore(engine)
        self.call = call
        self.clock = clock
        self.limits = limits
        self.throttle = throttle or Throttle(limits)
        self.batch_size = batch_size
        self._seeded = False
        self._semaphore = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._waiting_chats: set[int] = set()
        """Chats with older rows this process knows are waiting for a pass."""
        self._loop: asyncio.AbstractEventLoop | None = None
        """The loop `run` delivers in; a wake from another thread (a turn's or the desk's commit) goes through it."""

    # ------------------------------------------------------------------ public API

    def _now(self) -> datetime:
        """The clock's time as an aware UTC datetime (a naive one is taken to be UTC)."""
        now = self.clock.now()
        return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)

    async def deliver_due(self) -> int:
        """One pass: lease due rows, send those the limits allow now, put off the rest; never sleeps.

        Returns the number of rows sent (a 'message is not modified' edit counts as sent).
        """
        now = self._now()
        self._seed_throttle(now)
        if self.throttle.overall_free_at(now) > now:
            return 0
        lease = self.store.lease_due(now, self.batch_size)
        sent = await self._deliver(lease)
        if not lease.rows:
            self._waiting_chats.clear()  # nothing is due: no chat has rows waiting
        else:
            done = {row.chat_id for row in lease.rows} - {r.chat_id for r in lease.rows if r.status == _PENDING}
            self._waiting_chats -= done
            self._waiting_chats |= {row.chat_id for row in lease.rows if row.status == _PENDING}
        return sent

    async def send_now(self, rows: Sequence[Row], until: datetime) -> int:
        """Send rows a handler just committed, leased by it until `until`; what must wait is left to `run`."""
        if not rows:
            return 0
        now = self._now()
        self._seed_throttle(now)
        behind = {row.chat_id for row in rows if row.chat_id in self._waiting_chats}
        for row in rows:
            if row.chat_id in behind:  # older rows of this chat go first: the next pass sends them all, in order
                self._put_off(row, now, DEFERRED_AFTER_EARLIER)
        sent = await self._deliver(self.store.hold(rows, until), skip=behind)
        if sent < len(rows):
            self.wake([row.chat_id for row in rows if row.status == _PENDING])
        return sent

    def next_due(self) -> datetime | None:
        """When the next pass can send something; None if nothing is pending.

        The earliest not_before of a pending row (or its lease's end, if leased), not before the
        overall rate limit or a flood pause allows a call. Rows held back behind an earlier row of
        their chat are not counted: that earlier row is.
        """
        now = self._now()
        value = self.store.next_due(now)
        if value is None:
            return None
        return max(value, self.throttle.overall_free_at(now))

    def wake(self, chats: Collection[int] = ()) -> None:
        """New rows may be due (for `chats`): start the next pass of `run` now, not at its next planned moment.

        Until a pass has sent them, a turn's reply to one of those chats waits behind them, in order.
        """
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:  # a worker thread
            here = None
        if self._loop is not None and here is not self._loop and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._note_wake, tuple(chats))
        else:
            self._note_wake(chats)

    def _note_wake(self, chats: Collection[int]) -> None:
        self._waiting_chats.update(chats)
        self._wake.set()

    async def run(
        self,
        stop: asyncio.Event,
        *,
        poll: float = MAX_SLEEP,
        sleep: Callable[[float], Awaitable[Any]] | None = None,
    ) -> None:
        """Deliver until `stop` is set: a pass, then wait until the next row is due (at most `poll`) or a wake.

        `sleep` replaces the real wait (a test moving a fake clock); it does not see wakes.
        """
        self._loop = asyncio.get_running_loop()
        while not stop.is_set():
            self._wake.clear()
            delay = poll
            try:
                await self.deliver_due()
                delay = min(self._seconds_until_next(), poll)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # The class only: a database error's text can quote the parameters (message texts).
                log.error("outbox pass failed: %s", type(error).__name__)
            if stop.is_set():
                break
            if sleep is None:
                await self._wait(stop, delay)
            else:
                await sleep(delay)

    async def _wait(self, stop: asyncio.Event, delay: float) -> None:
        """Sleep `delay` seconds, or less when stopped or woken."""
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waiters, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    # ------------------------------------------------------------------ sending

    def _seed_throttle(self, now: datetime) -> None:
        """After a restart, count what was sent in the last minute, so the limits hold across restarts."""
        if self._seeded:
            return
        for chat_id, sent_at in self.store.sent_in_last_minute(now):
            self.throttle.record(chat_id, sent_at)
        self._seeded = True

    async def _deliver(self, lease: Lease, skip: Collection[int] = ()) -> int:
        """Send the lease's rows (but those of the chats in `skip`), each chat in order; record them all."""
        if not lease.rows:
            return 0
        by_chat: dict[int, list[Row]] = {}
        for row in lease.rows:
            if row.chat_id not in skip:
                by_chat.setdefault(row.chat_id, []).append(row)
        try:
            async with asyncio.TaskGroup() as group:
                for chat_rows in by_chat.values():
                    group.create_task(self._deliver_chat(chat_rows, lease))
        finally:
            # Also on cancellation: what was sent is recorded, everything else is released.
            self.store.record(lease)
        return lease.sent

    async def _deliver_chat(self, rows: list[Row], lease: Lease) -> None:
        """Send one chat's leased rows in id order; stop at the first one that has to wait."""
        index = 0
        while index < len(rows):
            row = rows[index]
            try:
                async with self._semaphore:
                    outcome = await self._deliver_one(row, lease)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a bug, not a Telegram answer: keep the rest of the pass going
                log.error("outbox row %s (%s, chat %s): %s", row.id, row.method, row.chat_id, type(error).__name__)
                self._defer(rows[index:], self._now() + BACKOFF_FIRST, DEFERRED_AFTER_EARLIER)
                return
            if outcome is Outcome.DECIDED:
                index += 1
            elif outcome is Outcome.PUT_OFF:
                self._defer(rows[index + 1 :], row.not_before, DEFERRED_AFTER_EARLIER, after=row.not_before)
                return

    def _card_target(self, row: Row, lease: Lease, now: datetime) -> tuple[int, int] | Outcome:
        """(chat id, message id) of the card a row edits; or the outcome when the card is not there (yet)."""
        card = lease.cards.get(row.ref_id)
        if card is None:
            self._fail(row, "card request not found")
            return Outcome.DECIDED
        card_chat_id, card_message_id = card
        if card_message_id is None:
            send_due = lease.card_sends.get(row.ref_id)
            if send_due is None:
                self._fail(row, "card was never sent")
                return Outcome.DECIDED
            # Put off without a marker: a waiting edit must not hold back its chat (the card's own
            # send may come after it in the same chat).
            row.not_before = max(now + CARD_WAIT, send_due)
            return Outcome.DECIDED
        return (card_chat_id if card_chat_id is not None else row.chat_id), card_message_id

    async def _deliver_one(self, row: Row, lease: Lease) -> Outcome:
        """Try one row."""
        now = self._now()
        chat_id = row.chat_id
        params = dict(row.params)
        if row.targets_card:
            target = self._card_target(row, lease, now)
            if isinstance(target, Outcome):
                return target
            chat_id, params["message_id"] = target
        params["chat_id"] = chat_id

        counted = row.method in MESSAGE_CREATING
        allowed = self.throttle.allowed_at(chat_id, now, counted=counted)
        if allowed > now:
            self._put_off(row, allowed, DEFERRED_RATE_LIMIT)
            return Outcome.PUT_OFF
        if counted:
            self.throttle.record(chat_id, now)
        row.attempts += 1
        try:
            result = await self.call(row.method, params)
        except RetryAfter as error:
            return self._on_retry_after(row, chat_id, error)
        except ChatMigrated as error:
            if row.migrated:
                return self._on_transient(row, chat_id, error)
            row.attempts -= 1  # not the row's fault; it goes again at once
            row.migrated = True
            self._migrate(chat_id, int(error.new_chat_id), lease)
            return Outcome.AGAIN
        except Forbidden as error:
            self._fail(row, _describe(error), chat_id)
            if chat_id > 0:
                lease.unreachable.add(chat_id)
            return Outcome.DECIDED
        except BadRequest as error:
            if "message is not modified" in error.message.lower():
                self._sent(row, lease)
                return Outcome.DECIDED
            self._fail(row, _describe(error), chat_id)
            return Outcome.DECIDED
        except asyncio.CancelledError:
            raise
        except Exception as error:  # TimedOut, NetworkError (5xx), other TelegramError, anything else
            return self._on_transient(row, chat_id, error)
        poll_id = _poll_id(result) if row.sends_poll else None
        if poll_id is not None:
            lease.polls[row.ref_id] = poll_id
        card = _message_ref(result, chat_id) if row.sends_card else None
        if card is not None:
            lease.cards[row.ref_id] = card
        self._sent(row, lease, card)
        return Outcome.DECIDED

    # ------------------------------------------------------------------ outcomes

    def _sent(self, row: Row, lease: Lease, card: tuple[int, int] | None = None) -> None:
        """Mark a row sent; write it (and the edits sent before it) at once when sending it again would show twice."""
        row.status = _SENT
        row.sent_at = self._now()
        lease.sent += 1
        if row.created_at is not None:
            OUTBOX_LAG.observe(max((row.sent_at - row.created_at).total_seconds(), 0.0))
        if card is not None:
            lease.card_updates[row.ref_id] = card
        if not (lease.record_each or row.method in MESSAGE_CREATING):
            return  # an edit sent again changes nothing: it is written with the next new message, or at the end
        unrecorded = [sent for sent in lease.rows if sent.status == _SENT and not sent.recorded]
        try:
            self.store.record_sent(unrecorded, lease, lease.card_updates)
            lease.card_updates.clear()
        except Exception as error:  # the end-of-pass record tries again
            log.warning("outbox row %s: could not record the send yet: %s", row.id, type(error).__name__)

    def _fail(self, row: Row, error: str, chat_id: int | None = None) -> None:
        row.status = _FAILED
        row.last_error = error
        log.warning(
            "outbox row %s (%s, chat %s) failed: %s",
            row.id,
            row.method,
            chat_id if chat_id is not None else row.chat_id,
            error.split(":", 1)[0],
        )

    @staticmethod
    def _put_off(row: Row, until: datetime, marker: str) -> None:
        row.not_before = until
        if row.last_error is None:
            row.last_error = marker  # makes the row hold back the later rows of its chat

    def _defer(self, rows: list[Row], start: datetime, marker: str, *, after: datetime | None = None) -> None:
        """Put off a chat's remaining rows to the moments the chat's limits will allow them, in order.

        `after` is the moment already promised to the row before them (it counts against the limits).
        """
        planned: list[datetime] = [] if after is None else [after]
        moment = start
        for row in rows:
            moment = self.throttle.chat_free_at(row.chat_id, moment, planned)
            planned.append(moment)
            self._put_off(row, max(moment, row.not_before), marker)

    def _on_retry_after(self, row: Row, chat_id: int, error: RetryAfter) -> Outcome:
        RETRY_AFTER.inc()
        now = self._now()
        until = now + timedelta(seconds=retry_after_seconds(error))
        row.not_before = until
        row.last_error = "RetryAfter"
        if self.throttle.retry_after(chat_id, until, now):
            log.warning("outbox: flood control on several chats, all sending waits until %s", until)
        log.info("outbox row %s (%s, chat %s): RetryAfter, waits until %s", row.id, row.method, chat_id, until)
        return Outcome.PUT_OFF

    def _on_transient(self, row: Row, chat_id: int, error: BaseException) -> Outcome:
        if row.attempts >= self.limits.max_attempts:
            self._fail(row, _describe(error), chat_id)
            return Outcome.DECIDED
        delay = min(BACKOFF_FIRST * 2 ** max(row.attempts - 1, 0), BACKOFF_MAX)
        row.not_before = self._now() + delay
        row.last_error = _describe(error)
        log.info(
            "outbox row %s (%s, chat %s): %s, attempt %s, retry in %ss",
            row.id,
            row.method,
            chat_id,
            type(error).__name__,
            row.attempts,
            int(delay.total_seconds()),
        )
        return Outcome.PUT_OFF

    def _migrate(self, old_chat_id: int, new_chat_id: int, lease: Lease) -> None:
        """A group became a supergroup: follow it in the database and in this lease."""
        log.info("outbox: chat %s migrated to %s", old_chat_id, new_chat_id)
        self.store.migrate(old_chat_id, new_chat_id)
        for cards in (lease.cards, lease.card_updates):
            for request_id, (chat_id, message_id) in list(cards.items()):
                if chat_id == old_chat_id:
                    cards[request_id] = (new_chat_id, message_id)
        for row in lease.rows:
            if row.chat_id == old_chat_id and row.status == OutboxStatus.PENDING:
                row.chat_id = new_chat_id

    def _seconds_until_next(self) -> float:
        now = self._now()
        due = self.next_due()
        if due is None:
            return MAX_SLEEP
        return min(max((due - now).total_seconds(), MIN_SLEEP), MAX_SLEEP)
