"""What the bot says in a group only once: its hello when added, and (once a while per person) that only a
coordinator may link the group."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.services.places import is_linked
from db.models import GroupIntroduction, GroupRefusal

REFUSAL_QUIET = timedelta(days=1)
"""After telling someone in a group that they may not link it, the bot stays quiet to them this long."""


def first_introduction(session: Session, *, chat_id: int, now: datetime) -> bool:
    """Record that the bot introduces itself in `chat_id`; False when it already did (in any process)."""
    try:
        with session.begin_nested():
            session.add(GroupIntroduction(chat_id=chat_id, said_at=now))
    except IntegrityError:
        return False
    return True


def may_refuse_in_group(session: Session, *, chat_id: int, user_id: int, now: datetime) -> bool:
    """Whether the bot may say "only a coordinator may" to this person in this group now; recorded if so.

    In a group that is not linked the bot speaks once in all (its hello or one refusal); in a linked group it
    tells each person once a while, however often they try.
    """
    if not is_linked(session, chat_id) and not first_introduction(session, chat_id=chat_id, now=now):
        return False
    refusal = session.get(GroupRefusal, (chat_id, user_id))
    if refusal is not None:
        if now - refusal.said_at < REFUSAL_QUIET:
            return False
        refusal.said_at = now
        session.add(refusal)
        return True
    try:
        with session.begin_nested():
            session.add(GroupRefusal(chat_id=chat_id, user_id=user_id, said_at=now))
    except IntegrityError:
        return False
    return True
