"""Write Bot API calls to the outbox, in the caller's transaction; the sender delivers them later.

A front door that sends its own rows right after its commit (a reply to the person who wrote) first calls
`send_after_commit`: the rows it queues from then on are written leased to it, so no other sender takes them,
and `rows_to_send` hands them over after the commit. Any other row queued in a transaction makes
`take_queued` name its chat, so the unit of work wakes the senders when it commits (and this process's sender
knows which chats have older rows waiting, which a reply to them must not overtake).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import delete, insert, or_, text, update
from sqlmodel import Session

from db.models import Outbox, OutboxStatus

DONE = (OutboxStatus.SENT, OutboxStatus.FAILED)
LEASE = timedelta(seconds=30)
"""How long a row is reserved for the process that leased it; any sender takes it after that. Longer than a call
to Telegram can take (its time-outs), so a slow answer is never mistaken for a dead process and sent twice."""
NOTIFY_CHANNEL = "samenbot_outbox"
_LEASED = "outbox_leased"
_QUEUED = "outbox_queued"


def send_after_commit(session: Session, now: datetime) -> datetime:
    """Lease the rows this transaction queues from now on to this process; returns the end of the lease."""
    until = now + LEASE
    session.info[_LEASED] = (until, [])
    return until


@dataclass(frozen=True)
class Queued:
    """A row written with `enqueue_calls`: what the sender needs of it."""

    id: int
    chat_id: int
    method: str
    params: dict[str, Any]
    not_before: datetime
    created_at: datetime
    ref_kind: str | None = None
    ref_id: int | None = None


class Call(NamedTuple):
    """A Bot API call to queue: where, which method, its parameters, and what its result is kept for (a poll's id)."""

    chat_id: int
    method: str
    params: dict[str, Any]
    ref_kind: str | None = None
    ref_id: int | None = None


def rows_to_send(session: Session) -> list[Outbox | Queued]:
    """The rows queued under `send_after_commit` (read them after the commit: their ids are known)."""
    return list(session.info.get(_LEASED, (None, []))[1])


def enqueue_calls(session: Session, calls: Sequence[Call], *, now: datetime) -> None:
    """Queue several calls due now in one INSERT (a turn's replies, in order).

    Ids come back in insertion order when sorted: both databases number the rows of one INSERT in the order
    of its VALUES, whatever order RETURNING reports them in.
    """
    if not calls:
        return
    leased = session.info.get(_LEASED)
    lease = leased[0] if leased is not None else None
    if lease is None:
        session.info.setdefault(_QUEUED, set()).update(call.chat_id for call in calls)
    values = [
        {
            "chat_id": call.chat_id,
            "method": call.method,
            "params": call.params,
            "status": OutboxStatus.PENDING,
            "not_before": now,
            "attempts": 0,
            "created_at": now,
            "locked_until": lease,
            "ref_kind": call.ref_kind,
            "ref_id": call.ref_id,
        }
        for call in calls
    ]
    ids = sorted(session.execute(insert(Outbox).returning(Outbox.id), values).scalars())
    if leased is not None:
        leased[1].extend(
            Queued(
                id=row_id,
                chat_id=call.chat_id,
                method=call.method,
                params=call.params,
                not_before=now,
                created_at=now,
                ref_kind=call.ref_kind,
                ref_id=call.ref_id,
            )
            for row_id, call in zip(ids, calls, strict=True)
        )


def take_queued(session: Session) -> set[int]:
    """The chats this transaction queued rows for that some sender must pick up (not leased to it); asked once."""
    return session.info.pop(_QUEUED, set())


def notify_senders(session: Session) -> None:
    """On PostgreSQL: when this transaction commits, every listening sender process starts a pass."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))


def enqueue(
    session: Session,
    *,
    chat_id: int,
    method: str,
    params: dict[str, Any],
    now: datetime,
    not_before: datetime | None = None,
    ref_kind: str | None = None,
    ref_id: int | None = None,
) -> Outbox:
    """Add one call; it is delivered only if the surrounding transaction commits."""
    row = Outbox(
        chat_id=chat_id,
        method=method,
        params=params,
        created_at=now,
        not_before=not_before or now,
        ref_kind=ref_kind,
        ref_id=ref_id,
    )
    leased = session.info.get(_LEASED)
    if leased is not None and row.not_before <= now:
        row.locked_until = leased[0]
        leased[1].append(row)
    else:
        session.info.setdefault(_QUEUED, set()).add(chat_id)
    session.add(row)
    return row


def enqueue_message(
    session: Session,
    *,
    chat_id: int,
    text: str,
    now: datetime,
    reply_markup: dict[str, Any] | None = None,
    not_before: datetime | None = None,
    ref_kind: str | None = None,
    ref_id: int | None = None,
) -> Outbox:
    """Queue a `sendMessage` in HTML parse mode (the caller has escaped user text)."""
    params: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
    if reply_markup:
        params["reply_markup"] = reply_markup
    return enqueue(
        session,
        chat_id=chat_id,
        method="sendMessage",
        params=params,
        now=now,
        not_before=not_before,
        ref_kind=ref_kind,
        ref_id=ref_id,
    )


def enqueue_card_edit(
    session: Session, *, request_id: int, chat_id: int, text: str, now: datetime, reply_markup: dict | None
) -> Outbox:
    """Queue an edit of a request's group card; the sender fills in the card's message id."""
    params: dict[str, Any] = {
        "text": text,
        "parse_mode": "HTML",
        "reply_markup": reply_markup or {"inline_keyboard": []},
    }
    return enqueue(
        session,
        chat_id=chat_id,
        method="editMessageText",
        params=params,
        now=now,
        ref_kind="card",
        ref_id=request_id,
    )


def blank_done(session: Session, *conditions: Any) -> int:
    """Empty the text of delivered (or failed) rows that match; a pending row is left to be sent."""
    result = session.exec(update(Outbox).where(Outbox.status.in_(DONE), *conditions).values(params={}))
    return result.rowcount


def purge_done(session: Session, *, before: datetime, closed_request_ids: Any) -> int:
    """Delete delivered rows older than `before`; a card's first send stays (the card's chat), blanked once closed."""
    old = or_(Outbox.sent_at < before, Outbox.sent_at.is_(None) & (Outbox.created_at < before))
    result = session.exec(
        delete(Outbox).where(Outbox.status.in_(DONE), old, or_(Outbox.ref_kind.is_(None), Outbox.ref_kind != "card"))
    )
    blank_done(session, Outbox.ref_kind == "card", Outbox.ref_id.in_(closed_request_ids))
    return result.rowcount
