"""The outbox table as the sender sees it: lease due rows, record what happened, follow migrated groups.

Ordering. Per chat, rows go out in id order. A pending row with a lower id blocks the rows after it when
it is leased (by anyone) or when the sender itself has put it off (it has `attempts > 0` or a
`last_error`, which every deferral sets). A row its writer scheduled in the future (never touched by
the sender) does not block: a reminder due tomorrow must not hold back today's messages. Nor does a
card edit waiting for its card's first send (that send may be queued after it in the same chat).

Leases. A sender reserves the rows it delivers by setting `locked_until`; on PostgreSQL the rows are
selected `FOR UPDATE SKIP LOCKED`, so several processes never lease the same row. A row that a
handler will send itself right after its commit is written already leased (`lease_for_sending`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, exists, func, or_, select, update
from sqlalchemy.engine import Connection, Engine

from bot.delivery.limits import MESSAGE_CREATING
from bot.services.outbox import LEASE, Queued
from db.models import GroupLink, HelpRequest, Outbox, OutboxStatus, SurveyPoll, User

CARD = "card"
POLL = "poll"
"""A survey's poll: the sender keeps the id Telegram gives the poll on its `SurveyPoll` row, to count its totals."""
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

_outbox = Outbox.__table__
_requests = HelpRequest.__table__
_users = User.__table__
_links = GroupLink.__table__
_polls = SurveyPoll.__table__

# The write-backs, built once (they run after every send): a row of this process's lease, still pending.
_OF_THE_LEASE = (
    _outbox.c.id == bindparam("b_id"),
    _outbox.c.locked_until == bindparam("b_until"),
    _outbox.c.status == _PENDING,
)
_MARK_SENT = (
    update(_outbox)
    .where(*_OF_THE_LEASE)
    .values(
        status=_SENT,
        sent_at=bindparam("v_sent_at"),
        attempts=bindparam("v_attempts"),
        last_error=bindparam("v_last_error"),
        locked_until=None,
    )
)
_WRITE_BACK = (
    update(_outbox)
    .where(*_OF_THE_LEASE)
    .values(
        status=bindparam("v_status"),
        not_before=bindparam("v_not_before"),
        attempts=bindparam("v_attempts"),
        last_error=bindparam("v_last_error"),
        sent_at=bindparam("v_sent_at"),
        locked_until=None,
    )
)
_WRITE_CARD = (
    update(_requests)
    .where(_requests.c.id == bindparam("b_id"))
    .values(card_chat_id=bindparam("v_chat_id"), card_message_id=bindparam("v_message_id"))
)
_WRITE_POLL = update(_polls).where(_polls.c.id == bindparam("b_id")).values(poll_id=bindparam("v_poll_id"))


@dataclass
class Row:
    """One outbox row while a sender holds its lease."""

    id: int
    chat_id: int
    method: str
    params: dict[str, Any]
    not_before: datetime
    attempts: int = 0
    last_error: str | None = None
    ref_kind: str | None = None
    ref_id: int | None = None
    status: str = _PENDING
    sent_at: datetime | None = None
    created_at: datetime | None = None
    migrated: bool = False
    recorded: bool = False

    @classmethod
    def of(cls, outbox: Outbox | Queued) -> Row:
        """The row as the sender holds it, from a row just written (and committed) in a transaction."""
        return cls(
            id=outbox.id,
            chat_id=outbox.chat_id,
            method=outbox.method,
            params=dict(outbox.params or {}),
            not_before=aware(outbox.not_before),
            ref_kind=outbox.ref_kind,
            ref_id=outbox.ref_id,
            created_at=aware(outbox.created_at),
        )

    @property
    def targets_card(self) -> bool:
        """An edit (or delete, pin) of a request's group card, whose message id the sender fills in."""
        return self.ref_kind == CARD and self.ref_id is not None and self.method in CARD_TARGET_METHODS

    @property
    def sends_poll(self) -> bool:
        """A survey's poll, whose id Telegram gives in the result."""
        return self.ref_kind == POLL and self.ref_id is not None and self.method == "sendPoll"

    @property
    def sends_card(self) -> bool:
        """The first send of a request's group card: its message id is kept on the request."""
        return self.ref_kind == CARD and self.ref_id is not None and self.method.startswith("send")


@dataclass
class Lease:
    """The rows one sender holds until `until`, and what it learned about cards and users on the way.

    `record_each`: write each sent row at once (a pass over many rows); without it (a turn's few replies) an edit is
    written together with the next new message or at the end: sending an edit twice shows nothing twice.
    """

    until: datetime
    record_each: bool = True
    rows: list[Row] = field(default_factory=list)
    cards: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)
    """request id → (card_chat_id, card_message_id), for the card rows of this lease."""
    card_sends: dict[int, datetime] = field(default_factory=dict)
    """request id → earliest not_before of a pending card send, for edits that wait for their card."""
    card_updates: dict[int, tuple[int, int]] = field(default_factory=dict)
    unreachable: set[int] = field(default_factory=set)
    polls: dict[int, str] = field(default_factory=dict)
    """SurveyPoll id → Telegram's poll id, for the polls sent in this lease and not written yet."""
    sent: int = 0


def aware(value: datetime | str) -> datetime:
    """A datetime read back from the database as an aware UTC datetime."""
    if isinstance(value, str):  # pragma: no cover - defensive, SQLite without type processing
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


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


class OutboxStore:
    """The sender's SQL: one short transaction per step, never one held while calling Telegram."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def sent_in_last_minute(self, now: datetime) -> list[tuple[int, datetime]]:
        """(chat id, sent at) of every row sent in the minute before `now`: the throttle's memory after a restart."""
        query = select(_outbox.c.chat_id, _outbox.c.sent_at).where(
            _outbox.c.status == _SENT,
            _outbox.c.sent_at > now - timedelta(seconds=60),
            _outbox.c.sent_at <= now,
            _outbox.c.method.in_(sorted(MESSAGE_CREATING)),
        )
        with self.engine.connect() as connection:
            return [(chat_id, aware(sent_at)) for chat_id, sent_at in connection.execute(query)]

    def next_due(self, now: datetime) -> datetime | None:
        """The earliest moment a pending row (not held back behind an earlier row of its chat) may go."""
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
        return None if value is None else aware(value)

    def lease_due(self, now: datetime, batch_size: int) -> Lease:
        """Lease up to `batch_size` due rows in id order, skipping rows an earlier row of their chat must precede."""
        lease = Lease(until=now + LEASE)
        due = (
            select(_outbox)
            .where(
                _outbox.c.status == _PENDING,
                _outbox.c.not_before <= now,
                or_(_outbox.c.locked_until.is_(None), _outbox.c.locked_until <= now),
                ~_blocked_by_earlier(now),
            )
            .order_by(_outbox.c.id)
            .limit(batch_size)
            .with_for_update(skip_locked=True, of=_outbox)
        )
        with self.engine.begin() as connection:
            found = connection.execute(due).mappings().all()
            if not found:
                return lease
            lease.rows = self._drop_overtakers(connection, found, now)
            connection.execute(
                update(_outbox).where(_outbox.c.id.in_([row.id for row in lease.rows])).values(locked_until=lease.until)
            )
            self._load_cards(connection, lease)
        return lease

    def hold(self, rows: Sequence[Row], until: datetime) -> Lease:
        """A lease over rows this process wrote already leased (a handler's own replies), with their cards."""
        lease = Lease(until=until, rows=list(rows), record_each=False)
        if any(row.targets_card for row in rows):
            with self.engine.connect() as connection:
                self._load_cards(connection, lease)
        return lease

    @staticmethod
    def _drop_overtakers(connection: Connection, found: Sequence[Any], now: datetime) -> list[Row]:
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
                Row(
                    id=item["id"],
                    chat_id=item["chat_id"],
                    method=item["method"],
                    params=dict(item["params"] or {}),
                    not_before=aware(item["not_before"]),
                    attempts=item["attempts"] or 0,
                    last_error=item["last_error"],
                    ref_kind=item["ref_kind"],
                    ref_id=item["ref_id"],
                    created_at=aware(item["created_at"]),
                )
            )
        return rows

    @staticmethod
    def _load_cards(connection: Connection, lease: Lease) -> None:
        request_ids = sorted({row.ref_id for row in lease.rows if row.targets_card})
        if not request_ids:
            return
        cards = select(_requests.c.id, _requests.c.card_chat_id, _requests.c.card_message_id).where(
            _requests.c.id.in_(request_ids)
        )
        for request_id, chat_id, message_id in connection.execute(cards):
            lease.cards[request_id] = (chat_id, message_id)
        waiting = [rid for rid in request_ids if rid in lease.cards and lease.cards[rid][1] is None]
        if waiting:
            sends = (
                select(_outbox.c.ref_id, func.min(_outbox.c.not_before))
                .where(
                    _outbox.c.status == _PENDING,
                    _outbox.c.ref_kind == CARD,
                    _outbox.c.method.startswith("send"),
                    _outbox.c.ref_id.in_(waiting),
                )
                .group_by(_outbox.c.ref_id)
            )
            lease.card_sends.update({ref_id: aware(moment) for ref_id, moment in connection.execute(sends)})

    def _autocommit(self) -> Connection:
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def record_sent(self, rows: Iterable[Row], lease: Lease, cards: dict[int, tuple[int, int]]) -> None:
        """Write sent rows (and their cards' message ids) at once, so a crash later cannot resend them."""
        rows = [row for row in rows if not row.recorded]
        if not rows:
            return
        # One statement needs no transaction of its own: autocommit saves the round trips of BEGIN and COMMIT.
        with self.engine.begin() if cards else self._autocommit() as connection:
            connection.execute(
                _MARK_SENT,
                [
                    {
                        "b_id": row.id,
                        "b_until": lease.until,
                        "v_sent_at": row.sent_at,
                        "v_attempts": row.attempts,
                        "v_last_error": row.last_error,
                    }
                    for row in rows
                ],
            )
            if cards:
                self._write_cards(connection, cards)
            self._write_polls(connection, lease)
        for row in rows:
            row.recorded = True

    def record(self, lease: Lease) -> None:
        """Write back every row of the lease not recorded yet and free it, with the cards and users it touched."""
        rows = [row for row in lease.rows if not row.recorded]
        if not rows and not lease.card_updates and not lease.unreachable and not lease.polls:
            return
        values = [
            {
                "b_id": row.id,
                "b_until": lease.until,
                "v_status": row.status,
                "v_not_before": row.not_before,
                "v_attempts": row.attempts,
                "v_last_error": row.last_error,
                "v_sent_at": row.sent_at,
            }
            for row in rows
        ]
        with self.engine.begin() as connection:
            if values:
                connection.execute(_WRITE_BACK, values)
            if lease.card_updates:
                self._write_cards(connection, lease.card_updates)
            self._write_polls(connection, lease)
            if lease.unreachable:
                connection.execute(
                    update(_users).where(_users.c.id.in_(sorted(lease.unreachable))).values(reachable=False)
                )
        for row in rows:
            row.recorded = True

    @staticmethod
    def _write_cards(connection: Connection, cards: dict[int, tuple[int, int]]) -> None:
        connection.execute(
            _WRITE_CARD,
            [
                {"b_id": request_id, "v_chat_id": chat_id, "v_message_id": message_id}
                for request_id, (chat_id, message_id) in cards.items()
            ],
        )

    @staticmethod
    def _write_polls(connection: Connection, lease: Lease) -> None:
        if not lease.polls:
            return
        connection.execute(
            _WRITE_POLL,
            [{"b_id": ref_id, "v_poll_id": poll_id} for ref_id, poll_id in lease.polls.items()],
        )
        lease.polls.clear()

    def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: move its links, pending rows and cards to the new chat id."""
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
