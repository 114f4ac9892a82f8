"""The bot says hello in a group only once, however often it is added."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db.models import GroupIntroduction


def first_introduction(session: Session, *, chat_id: int, now: datetime) -> bool:
    """Record that the bot introduces itself in `chat_id`; False when it already did (in any process)."""
    try:
        with session.begin_nested():
            session.add(GroupIntroduction(chat_id=chat_id, said_at=now))
    except IntegrityError:
        return False
    return True
