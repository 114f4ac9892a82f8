"""Anti-spam: how many messages a minute and how many new requests a day one person may send.

Both counts live in the database, so every bot process behind a load balancer sees the same numbers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from db.models import HelpRequest, MessageWindow

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


def count_message(session: Session, *, user_id: int, now: datetime) -> int:
    """Count one message of `user_id` in the current minute; returns the count including this one."""
    window = now.replace(second=0, microsecond=0)
    for _attempt in range(3):
        bumped = session.exec(
            update(MessageWindow)
            .where(MessageWindow.user_id == user_id, MessageWindow.window_start == window)
            .values(count=MessageWindow.count + 1)
        )
        if bumped.rowcount == 1:
            break
        # A new minute (or a new user): start counting again; two processes may race to do so.
        restarted = session.exec(
            update(MessageWindow)
            .where(MessageWindow.user_id == user_id, MessageWindow.window_start != window)
            .values(window_start=window, count=1)
        )
        if restarted.rowcount == 1:
            break
        try:
            with session.begin_nested():
                session.add(MessageWindow(user_id=user_id, window_start=window, count=1))
            break
        except IntegrityError:
            continue
    row = session.get(MessageWindow, user_id, populate_existing=True)
    return row.count if row is not None else 1


def requests_today(session: Session, *, resident_id: int, now: datetime) -> int:
    """How many requests `resident_id` made in the last 24 hours."""
    query = select(func.count()).where(HelpRequest.resident_id == resident_id, HelpRequest.created_at > now - DAY)
    return session.exec(query).one()


def may_ask_another(session: Session, *, resident_id: int, now: datetime, per_day: int) -> bool:
    """Whether `resident_id` may send one more request today (the daily limit against spam)."""
    return requests_today(session, resident_id=resident_id, now=now) < per_day


def forget_counts(session: Session, *, user_id: int) -> None:
    """Drop a user's counter (part of `/vergeetmij`)."""
    row = session.get(MessageWindow, user_id)
    if row is not None:
        session.delete(row)
