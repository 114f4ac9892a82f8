"""The one outbox sender: delivers `Outbox` rows to the Bot API within Telegram's limits.

How a pass works (`OutboxSender.deliver_due`):

1. Lease (one short transaction): select due rows (pending, `not_before <= now`, lease free) in id order,
   skipping rows that an earlier row of the same chat must precede (see "Ordering"), with
   `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLAlchemy renders nothing for it on SQLite, which has a
   single writer anyway); set `locked_until = now + LEASE`; load the cards that queued edits refer to; commit.
2. Send, without holding a transaction: one coroutine per chat walks that chat's rows in id order; chats
   run concurrently (bounded by `concurrency`). Before each call the in-memory rate limiter decides;
   a row the limits do not allow yet, and every later row of its chat, gets `not_before` moved to the
   moment it will be allowed.
   Each sent row is written at once (`_record_sent`), so a crash in the middle of a pass resends nothing
   but the calls in flight at that moment.
3. Record (one transaction): status / not_before / attempts / last_error / sent_at of every leased row
   (one executemany, guarded by the lease value), the cards' message ids, unreachable users;
   `locked_until` back to NULL.

Ordering. Per chat, rows go out in id order. A pending row with a lower id blocks the rows after it when
it is leased (by anyone) or when the sender itself has put it off (it has `attempts > 0` or a
`last_error`, which every deferral sets). A row its writer scheduled in the future (never touched by
the sender) does not block: a reminder due tomorrow must not hold back today's messages. Nor does a
card edit waiting for its card's first send (that send may be queued after it in the same chat).

Limits are kept in memory per process (seeded from the rows sent in the last minute on the first pass);
when several sender processes share one bot token, give each a share of the limits.

Privacy: log lines carry only row id, method, chat id and an error class, never a message text.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import warnings
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, exists, func, or_, select, update
from sqlalchemy.engine import Connection, Engine
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.clock import Clock
from db.models import GroupLink, HelpRequest, Outbox, OutboxStatus, User

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
"""How long a leased row is reserved for the sender that leased it; it is picked up again after that."""
SECOND = timedelta(seconds=1)
MINUTE = timedelta(seconds=60)
BACKOFF_FIRST = timedelta(seconds=2)
BACKOFF_MAX = timedelta(minutes=5)
CARD_WAIT = timedelta(seconds=2)
"""How long a card edit waits, at least, when its card has not been sent yet."""
FLOOD_WINDOW = timedelta(seconds=10)
FLOOD_CHATS = 2
"""RetryAfter on this many distinct chats within FLOOD_WINDOW means a global flood: everyone waits."""
MIN_SLEEP = 0.02
MAX_SLEEP = 1.0

# Markers in last_error for deferrals that are not errors (they make the row block later rows of its chat).
DEFERRED_RATE_LIMIT = "deferred: rate limit"
DEFERRED_AFTER_EARLIER = "deferred: earlier message of this chat"

CARD_TARGET_METHODS = frozenset(
    {
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "editMessageMedia",
        "deleteMessage",
        "pinChatMessage",
        "unpinChatMessage",
    }
)

_PENDING = OutboxStatus.PENDING.value
_SENT = OutboxStatus.SENT.value
_FAILED = OutboxStatus.FAILED.value

_outbox = Outbox.__table__
_requests = HelpRequest.__table__
_users = User.__table__
_links = GroupLink.__table__


@dataclass(frozen=True)
class Limits:
    """Telegram's limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this)."""

    overall_per_second: int = 30
    per_group_per_minute: int = 20
    per_chat_per_second: int = 1
    max_attempts: int = 8


@dataclass
class _Row:
    id: int
    chat_id: int
    method: str
    params: dict[str, Any]
    not_before: datetime
    attempts: int
    last_error: str | None
    ref_kind: str | None
    ref_id: int | None
    status: str = _PENDING
    sent_at: datetime | None = None
    migrated: bool = False


@dataclass
class _Pass:
    lease: datetime
    rows: list[_Row] = field(default_factory=list)
    cards: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)
    """request id → (card_chat_id, card_message_id), for the card rows of this pass."""
    card_sends: dict[int, datetime] = field(default_factory=dict)
    """request id → earliest not_before of a pending card send, for edits that wait for their card."""
    card_updates: dict[int, tuple[int, int]] = field(default_factory=dict)
    unreachable: set[int] = field(default_factory=set)
    sent: int = 0


class _Limiter:
    """Sliding windows of send moments: overall (1 s) and per chat (1 s; 60 s for groups)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._all: list[datetime] = []
        self._chats: dict[int, list[datetime]] = {}

    @staticmethod
    def _window(chat_id: int) -> timedelta:
        return MINUTE if chat_id < 0 else SECOND

    def prune(self, now: datetime) -> None:
        del self._all[: bisect.bisect_right(self._all, now - SECOND)]
        for chat_id in list(self._chats):
            times = self._chats[chat_id]
            del times[: bisect.bisect_right(times, now - self._window(chat_id))]
            if not times:
                del self._chats[chat_id]

    def record(self, chat_id: int, moment: datetime) -> None:
        bisect.insort(self._all, moment)
        bisect.insort(self._chats.setdefault(chat_id, []), moment)

    def overall_free_at(self, now: datetime) -> datetime:
        """The first moment from `now` at which one more call fits the overall limit."""
        self.prune(now)
        n = self.limits.overall_per_second
        if len(self._all) < n:
            return now
        return max(now, self._all[-n] + SECOND)

    def chat_free_at(self, chat_id: int, now: datetime, planned: Iterable[datetime] = ()) -> datetime:
        """The first moment from `now` at which one more call to the chat fits its limits.

        `planned` are moments already promised to earlier rows of the chat (all >= the recorded ones).
        """
        times = self._chats.get(chat_id, []) + list(planned)
        moment = now
        n = self.limits.per_chat_per_second
        if len(times) >= n:
            moment = max(moment, times[-n] + SECOND)
        n = self.limits.per_group_per_minute
        if chat_id < 0 and len(times) >= n:
            moment = max(moment, times[-n] + MINUTE)
        return moment


def _blocked_by_earlier(now: datetime):
    """SQL condition: an earlier pending row of the same chat must go out first."""
    earlier = _outbox.alias("earlier")
    return exists().where(
        earlier.c.chat_id == _outbox.c.chat_id,
        earlier.c.status == _PENDING,
        earlier.c.id < _outbox.c.id,
        or_(
            earlier.c.locked_until > now,
            and_(
                earlier.c.not_before > now,
                or_(earlier.c.attempts > 0, earlier.c.last_error.is_not(None)),
            ),
        ),
    )


def _retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB v22 warns that the int will become a timedelta
        value = error.retry_after
    if isinstance(value, timedelta):
        return max(value.total_seconds(), 0.0)
    return max(float(value), 0.0)


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
        call: Callable[[str, dict[str, Any]], Awaitable[Any]],
        clock: Clock,
        *,
        limits: Limits = Limits(),
        worker_id: str = "w1",
        batch_size: int = 100,
        concurrency: int = 16,
    ) -> None:
        self.engine = engine
        self.call = call
        self.clock = clock
        self.limits = limits
        self.worker_id = worker_id
        self.batch_size = batch_size
        self._limiter = _Limiter(limits)
        self._seeded = False
        self._semaphore = asyncio.Semaphore(concurrency)
        self._paused_until: datetime | None = None
        self._chat_paused_until: dict[int, datetime] = {}
        self._floods: list[tuple[datetime, int]] = []

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
        self._seed_limiter(now)
        if self._paused_until is not None and now < self._paused_until:
            return 0
        if self._limiter.overall_free_at(now) > now:
            return 0
        rows, work = self._lease(now)
        if not rows:
            return 0
        by_chat: dict[int, list[_Row]] = {}
        for row in rows:
            by_chat.setdefault(row.chat_id, []).append(row)
        try:
            async with asyncio.TaskGroup() as group:
                for chat_rows in by_chat.values():
                    group.create_task(self._deliver_chat(chat_rows, work))
        finally:
            # Also on cancellation: what was sent is recorded, everything else is released.
            self._record(rows, work)
        return work.sent

    def next_due(self) -> datetime | None:
        """When the next pass can send something; None if nothing is pending.

        The earliest not_before of a pending row (or its lease's end, if leased), not before the
        overall rate limit or a flood pause allows a call. Rows held back behind an earlier row of
        their chat are not counted: that earlier row is.
        """
        now = self._now()
        effective = case(
            (
                and_(_outbox.c.locked_until.is_not(None), _outbox.c.locked_until > _outbox.c.not_before),
                _outbox.c.locked_until,
            ),
            else_=_outbox.c.not_before,
        )
        query = select(func.min(effective)).where(_outbox.c.status == _PENDING, ~_blocked_by_earlier(now))
        with self.engine.connect() as connection:
            value = connection.execute(query).scalar()
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - defensive, SQLite without type processing
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = max(value, self._limiter.overall_free_at(now))
        if self._paused_until is not None:
            value = max(value, self._paused_until)
        return value

    async def run(self, stop: asyncio.Event, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        """Deliver until `stop` is set: a pass, then sleep until the next row is due (20 ms … 1 s)."""
        while not stop.is_set():
            delay = MAX_SLEEP
            try:
                await self.deliver_due()
                delay = self._seconds_until_next()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # The class only: a database error's text can quote the parameters (message texts).
                log.error("outbox pass failed: %s", type(error).__name__)
            if stop.is_set():
                break
            if sleep is asyncio.sleep:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=delay)
            else:
                await sleep(delay)

    # ------------------------------------------------------------------ leasing

    def _seed_limiter(self, now: datetime) -> None:
        """After a restart, count what was sent in the last minute, so the limits hold across restarts."""
        if self._seeded:
            return
        query = select(_outbox.c.chat_id, _outbox.c.sent_at).where(
            _outbox.c.status == _SENT, _outbox.c.sent_at > now - MINUTE, _outbox.c.sent_at <= now
        )
        with self.engine.connect() as connection:
            for chat_id, sent_at in connection.execute(query):
                self._limiter.record(chat_id, sent_at)
        self._seeded = True

    def _lease(self, now: datetime) -> tuple[list[_Row], _Pass]:
        work = _Pass(lease=now + LEASE)
        due = (
            select(_outbox)
            .where(
                _outbox.c.status == _PENDING,
                _outbox.c.not_before <= now,
                or_(_outbox.c.locked_until.is_(None), _outbox.c.locked_until <= now),
                ~_blocked_by_earlier(now),
            )
            .order_by(_outbox.c.id)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True, of=_outbox)
        )
        with self.engine.begin() as connection:
            found = connection.execute(due).mappings().all()
            if not found:
                return [], work
            rows = self._drop_overtakers(connection, found, now)
            connection.execute(
                update(_outbox).where(_outbox.c.id.in_([row.id for row in rows])).values(locked_until=work.lease)
            )
            self._load_cards(connection, rows, work)
        work.rows = rows
        return rows, work

    def _drop_overtakers(self, connection: Connection, found, now: datetime) -> list[_Row]:
        """Keep, per chat, only the rows before any earlier pending row we did not get.

        On PostgreSQL another sender may be leasing that earlier row right now (SKIP LOCKED hid it from
        us); a row after it must wait. Unleased rows stay locked only until this transaction ends.
        """
        mine = [item["id"] for item in found]
        chats = sorted({item["chat_id"] for item in found})
        others = (
            select(_outbox.c.chat_id, func.min(_outbox.c.id))
            .where(
                _outbox.c.status == _PENDING,
                _outbox.c.chat_id.in_(chats),
                _outbox.c.id.not_in(mine),
                _outbox.c.id < max(mine),
                or_(
                    _outbox.c.not_before <= now,
                    _outbox.c.attempts > 0,
                    _outbox.c.last_error.is_not(None),
                    _outbox.c.locked_until > now,
                ),
            )
            .group_by(_outbox.c.chat_id)
        )
        first_other = dict(connection.execute(others).all())
        rows = []
        for item in found:
            limit = first_other.get(item["chat_id"])
            if limit is not None and item["id"] > limit:
                continue
            rows.append(
                _Row(
                    id=item["id"],
                    chat_id=item["chat_id"],
                    method=item["method"],
                    params=dict(item["params"] or {}),
                    not_before=item["not_before"],
                    attempts=item["attempts"] or 0,
                    last_error=item["last_error"],
                    ref_kind=item["ref_kind"],
                    ref_id=item["ref_id"],
                )
            )
        return rows

    def _load_cards(self, connection: Connection, rows: list[_Row], work: _Pass) -> None:
        request_ids = sorted(
            {
                row.ref_id
                for row in rows
                if row.ref_kind == "card" and row.ref_id is not None and row.method in CARD_TARGET_METHODS
            }
        )
        if not request_ids:
            return
        cards = select(_requests.c.id, _requests.c.card_chat_id, _requests.c.card_message_id).where(
            _requests.c.id.in_(request_ids)
        )
        for request_id, chat_id, message_id in connection.execute(cards):
            work.cards[request_id] = (chat_id, message_id)
        waiting = [rid for rid in request_ids if rid in work.cards and work.cards[rid][1] is None]
        if waiting:
            sends = (
                select(_outbox.c.ref_id, func.min(_outbox.c.not_before))
                .where(
                    _outbox.c.status == _PENDING,
                    _outbox.c.ref_kind == "card",
                    _outbox.c.method.startswith("send"),
                    _outbox.c.ref_id.in_(waiting),
                )
                .group_by(_outbox.c.ref_id)
            )
            work.card_sends.update(dict(connection.execute(sends).all()))

    # ------------------------------------------------------------------ sending

    async def _deliver_chat(self, rows: list[_Row], work: _Pass) -> None:
        """Send one chat's leased rows in id order; stop at the first one that has to wait."""
        index = 0
        while index < len(rows):
            row = rows[index]
            try:
                async with self._semaphore:
                    outcome = await self._deliver_one(row, work)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a bug, not a Telegram answer: keep the rest of the pass going
                log.error("outbox row %s (%s, chat %s): %s", row.id, row.method, row.chat_id, type(error).__name__)
                self._defer(rows[index:], self._now() + BACKOFF_FIRST, DEFERRED_AFTER_EARLIER)
                return
            if outcome == "next":
                index += 1
            elif outcome == "again":
                continue
            else:  # "wait": this row was put off; the rest of the chat comes after it
                self._defer(rows[index + 1 :], row.not_before, DEFERRED_AFTER_EARLIER, after=row.not_before)
                return

    async def _deliver_one(self, row: _Row, work: _Pass) -> str:
        """Try one row. Returns "next" (decided), "again" (retry it now) or "wait" (put off)."""
        now = self._now()
        chat_id = row.chat_id
        params = dict(row.params)
        if row.ref_kind == "card" and row.ref_id is not None and row.method in CARD_TARGET_METHODS:
            card = work.cards.get(row.ref_id)
            if card is None:
                self._fail(row, "card request not found")
                return "next"
            card_chat_id, card_message_id = card
            if card_message_id is None:
                send_due = work.card_sends.get(row.ref_id)
                if send_due is None:
                    self._fail(row, "card was never sent")
                    return "next"
                # Put off without a marker: a waiting edit must not hold back its chat (the card's own
                # send may come after it in the same chat).
                row.not_before = max(now + CARD_WAIT, send_due)
                return "next"
            chat_id = card_chat_id if card_chat_id is not None else chat_id
            params["message_id"] = card_message_id
        params["chat_id"] = chat_id

        allowed = self._allowed_at(chat_id, now)
        if allowed > now:
            self._put_off(row, allowed, DEFERRED_RATE_LIMIT)
            return "wait"
        self._limiter.record(chat_id, now)
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
            self._migrate(chat_id, int(error.new_chat_id), work)
            return "again"
        except Forbidden as error:
            self._fail(row, _describe(error), chat_id)
            if chat_id > 0:
                work.unreachable.add(chat_id)
            return "next"
        except BadRequest as error:
            if "message is not modified" in error.message.lower():
                self._sent(row, work)
                return "next"
            self._fail(row, _describe(error), chat_id)
            return "next"
        except asyncio.CancelledError:
            raise
        except Exception as error:  # TimedOut, NetworkError (5xx), other TelegramError, anything else
            return self._on_transient(row, chat_id, error)
        card = None
        if row.ref_kind == "card" and row.ref_id is not None and row.method.startswith("send"):
            card = _message_ref(result, chat_id)
            if card is not None:
                work.card_updates[row.ref_id] = card
                work.cards[row.ref_id] = card
        self._sent(row, work, card)
        return "next"

    def _allowed_at(self, chat_id: int, now: datetime) -> datetime:
        moment = max(self._limiter.overall_free_at(now), self._limiter.chat_free_at(chat_id, now))
        if self._paused_until is not None:
            moment = max(moment, self._paused_until)
        chat_pause = self._chat_paused_until.get(chat_id)
        if chat_pause is not None:
            if chat_pause > now:
                moment = max(moment, chat_pause)
            else:
                del self._chat_paused_until[chat_id]
        return moment

    # ------------------------------------------------------------------ outcomes

    def _sent(self, row: _Row, work: _Pass, card: tuple[int, int] | None = None) -> None:
        row.status = _SENT
        row.sent_at = self._now()
        work.sent += 1
        self._record_sent(row, work, card)

    def _record_sent(self, row: _Row, work: _Pass, card: tuple[int, int] | None) -> None:
        """Write a sent row (and its card's message id) at once, so a crash later in the pass cannot resend it.

        Only a crash between Telegram's answer and this commit can still send the row twice.
        The end-of-pass record skips the row (it is no longer pending); if this write fails, that record retries.
        """
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    update(_outbox)
                    .where(_outbox.c.id == row.id, _outbox.c.locked_until == work.lease, _outbox.c.status == _PENDING)
                    .values(
                        status=_SENT,
                        sent_at=row.sent_at,
                        attempts=row.attempts,
                        last_error=row.last_error,
                        locked_until=None,
                    )
                )
                if card is not None and row.ref_id is not None:
                    connection.execute(
                        update(_requests)
                        .where(_requests.c.id == row.ref_id)
                        .values(card_chat_id=card[0], card_message_id=card[1])
                    )
        except Exception as error:
            log.warning("outbox row %s: could not record the send yet: %s", row.id, type(error).__name__)

    def _fail(self, row: _Row, error: str, chat_id: int | None = None) -> None:
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
    def _put_off(row: _Row, until: datetime, marker: str) -> None:
        row.not_before = until
        if row.last_error is None:
            row.last_error = marker  # makes the row hold back the later rows of its chat

    def _defer(self, rows: list[_Row], start: datetime, marker: str, *, after: datetime | None = None) -> None:
        """Put off a chat's remaining rows to the moments the chat's limits will allow them, in order.

        `after` is the moment already promised to the row before them (it counts against the limits).
        """
        planned: list[datetime] = [] if after is None else [after]
        moment = start
        for row in rows:
            moment = self._limiter.chat_free_at(row.chat_id, moment, planned)
            planned.append(moment)
            self._put_off(row, max(moment, row.not_before), marker)

    def _on_retry_after(self, row: _Row, chat_id: int, error: RetryAfter) -> str:
        now = self._now()
        until = now + timedelta(seconds=_retry_after_seconds(error))
        row.not_before = until
        row.last_error = "RetryAfter"
        self._chat_paused_until[chat_id] = max(until, self._chat_paused_until.get(chat_id, until))
        self._floods = [(moment, chat) for moment, chat in self._floods if moment > now - FLOOD_WINDOW]
        self._floods.append((now, chat_id))
        if len({chat for _, chat in self._floods}) >= FLOOD_CHATS:
            self._paused_until = max(until, self._paused_until or until)
            log.warning("outbox: flood control on several chats, all sending waits until %s", self._paused_until)
        log.info("outbox row %s (%s, chat %s): RetryAfter, waits until %s", row.id, row.method, chat_id, until)
        return "wait"

    def _on_transient(self, row: _Row, chat_id: int, error: BaseException) -> str:
        if row.attempts >= self.limits.max_attempts:
            self._fail(row, _describe(error), chat_id)
            return "next"
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
        return "wait"

    def _migrate(self, old_chat_id: int, new_chat_id: int, work: _Pass) -> None:
        """A group became a supergroup: move its links, pending rows and cards to the new chat id."""
        log.info("outbox: chat %s migrated to %s", old_chat_id, new_chat_id)
        with self.engine.begin() as connection:
            taken = select(_links.c.neighbourhood_slug).where(_links.c.chat_id == new_chat_id)
            connection.execute(
                delete(_links).where(_links.c.chat_id == old_chat_id, _links.c.neighbourhood_slug.in_(taken))
            )
            connection.execute(update(_links).where(_links.c.chat_id == old_chat_id).values(chat_id=new_chat_id))
            connection.execute(
                update(_outbox)
                .where(_outbox.c.chat_id == old_chat_id, _outbox.c.status == _PENDING)
                .values(chat_id=new_chat_id)
            )
            connection.execute(
                update(_requests).where(_requests.c.card_chat_id == old_chat_id).values(card_chat_id=new_chat_id)
            )
        for request_id, (chat_id, message_id) in list(work.cards.items()):
            if chat_id == old_chat_id:
                work.cards[request_id] = (new_chat_id, message_id)
        for request_id, (chat_id, message_id) in list(work.card_updates.items()):
            if chat_id == old_chat_id:
                work.card_updates[request_id] = (new_chat_id, message_id)
        for row in work.rows:
            if row.chat_id == old_chat_id and row.status == _PENDING:
                row.chat_id = new_chat_id

    # ------------------------------------------------------------------ recording

    def _record(self, rows: list[_Row], work: _Pass) -> None:
        """Write every leased row's state back and free its lease, with the cards and users it touched."""
        statement = (
            update(_outbox)
            .where(
                _outbox.c.id == bindparam("b_id"),
                _outbox.c.locked_until == bindparam("b_lease"),
                _outbox.c.status == _PENDING,
            )
            .values(
                status=bindparam("v_status"),
                not_before=bindparam("v_not_before"),
                attempts=bindparam("v_attempts"),
                last_error=bindparam("v_last_error"),
                sent_at=bindparam("v_sent_at"),
                locked_until=None,
            )
        )
        values = [
            {
                "b_id": row.id,
                "b_lease": work.lease,
                "v_status": row.status,
                "v_not_before": row.not_before,
                "v_attempts": row.attempts,
                "v_last_error": row.last_error,
                "v_sent_at": row.sent_at,
            }
            for row in rows
        ]
        with self.engine.begin() as connection:
            connection.execute(statement, values)
            if work.card_updates:
                connection.execute(
                    update(_requests)
                    .where(_requests.c.id == bindparam("b_id"))
                    .values(card_chat_id=bindparam("v_chat_id"), card_message_id=bindparam("v_message_id"))
                    .execution_options(synchronize_session=False),
                    [
                        {"b_id": request_id, "v_chat_id": chat_id, "v_message_id": message_id}
                        for request_id, (chat_id, message_id) in work.card_updates.items()
                    ],
                )
            if work.unreachable:
                connection.execute(
                    update(_users).where(_users.c.id.in_(sorted(work.unreachable))).values(reachable=False)
                )

    def _seconds_until_next(self) -> float:
        now = self._now()
        due = self.next_due()
        if due is None:
            return MAX_SLEEP
        return min(max((due - now).total_seconds(), MIN_SLEEP), MAX_SLEEP)
