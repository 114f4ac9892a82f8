"""Each update, and each button press, is handled once: their keys in `ProcessedUpdate`."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from db.models import ProcessedUpdate


def callback_key(query_id: str) -> int:
    """The `ProcessedUpdate` key of a callback query id: negative, so it never meets an update id.

    A press that reaches us twice in two updates (a redelivery with a new update id) has one query id;
    storing its key next to the update id lets the second one be skipped like a repeated update.
    56 bits of SHA-256: a collision between two presses is not a practical concern.
    """
    digest = hashlib.sha256(query_id.encode()).digest()
    return -(int.from_bytes(digest[:7], "big") + 1)


def first_time(session: Session, *, update_id: int, callback_query_id: str | None, now: datetime) -> bool:
    """Record an update (and its button press) in one statement; False when it was handled before (in any process)."""
    keys = [update_id]
    if callback_query_id is not None:  # the same press in another update counts once
        keys.append(callback_key(callback_query_id))
    table = ProcessedUpdate.__table__
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values([{"update_id": key, "processed_at": now} for key in keys])
        .on_conflict_do_nothing(index_elements=[table.c.update_id])
        .returning(table.c.update_id)
    )
    return len(session.execute(statement).all()) == len(keys)
