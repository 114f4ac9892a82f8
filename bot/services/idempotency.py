"""Each update, and each button press, is handled once: their keys in `ProcessedUpdate`."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.exc import IntegrityError
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
    """Record an update (and its button press); False when it was handled before (in any process)."""
    try:
        with session.begin_nested():
            session.add(ProcessedUpdate(update_id=update_id, processed_at=now))
            if callback_query_id is not None:  # the same press in another update counts once
                session.add(ProcessedUpdate(update_id=callback_key(callback_query_id), processed_at=now))
    except IntegrityError:
        return False
    return True
