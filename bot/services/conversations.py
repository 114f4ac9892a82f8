"""Where each user is in their conversation with the bot, read and written in the transaction of every update.

Nothing about a conversation lives in memory between updates, so any process may handle any update, and a crash
loses nothing: the state, the unfinished answers (the draft) and the anti-spam count are one row, written together
with the update's effects. On PostgreSQL the user's row is locked while an update is handled, so two processes never
handle the same user's updates at once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from db.models import Conversation, User

IDLE = ""
TIMEOUT = timedelta(hours=1)
"""An open question older than this is forgotten: the next message starts afresh."""

_users = User.__table__
_conversations = Conversation.__table__


@dataclass(frozen=True)
class Profile:
    """The user behind an update, as the conversation needs them."""

    user_id: int
    first_name: str = ""
    username: str | None = None
    telegram_locale: str | None = None
    chosen_locale: str | None = None
    neighbourhood_slug: str | None = None
    phone: str | None = None
    activity_news: bool = False
    has_private_chat: bool = False
    reachable: bool = True
    forgotten: bool = False


@dataclass
class ConversationState:
    """One user's place in the conversation: the open question, the draft, and counters."""

    user_id: int
    state: str = IDLE
    draft: dict[str, Any] = field(default_factory=dict)
    misunderstood: int = 0
    question: str = ""
    asked: int = 0
    window_start: datetime | None = None
    window_count: int = 0
    updated_at: datetime | None = None

    def reset(self) -> None:
        """Leave the open question and drop the draft."""
        self.state, self.draft, self.misunderstood, self.question, self.asked = IDLE, {}, 0, "", 0


@dataclass(frozen=True)
class Opened:
    """What an update starts from: the user's profile and their conversation."""

    profile: Profile
    conversation: ConversationState
    new_user: bool


def _insert(session: Session, table):
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def open_conversation(
    session: Session, *, seen: Profile, private_chat: bool, now: datetime, lock: bool = True
) -> Opened:
    """Read (and on PostgreSQL lock) the user and their conversation; create or refresh the user as Telegram shows them.

    `seen` carries what the update says about the user (id, names, Telegram's language); the rest is read.
    """
    query = (
        select(_users, _conversations)
        .select_from(_users.outerjoin(_conversations, _conversations.c.user_id == _users.c.id))
        .where(_users.c.id == seen.user_id)
    )
    if lock:
        query = query.with_for_update(of=_users)
    row = session.execute(query).mappings().first()
    if row is None:
        _create_user(session, seen=seen, private_chat=private_chat, now=now)
        profile = dataclasses.replace(seen, has_private_chat=private_chat)
        return Opened(profile, ConversationState(user_id=seen.user_id), new_user=True)
    forgotten = row[_users.c.forgotten_at] is not None
    profile = Profile(
        user_id=seen.user_id,
        first_name=row[_users.c.first_name],
        username=row[_users.c.username],
        telegram_locale=row[_users.c.telegram_locale],
        chosen_locale=row[_users.c.chosen_locale],
        neighbourhood_slug=row[_users.c.neighbourhood_slug],
        phone=row[_users.c.phone],
        activity_news=row[_users.c.activity_news],
        has_private_chat=row[_users.c.has_private_chat],
        reachable=row[_users.c.reachable],
        forgotten=forgotten,
    )
    profile = _refresh_user(session, stored=profile, seen=seen, private_chat=private_chat)
    conversation = ConversationState(user_id=seen.user_id)
    if row[_conversations.c.user_id] is not None:
        conversation = ConversationState(
            user_id=seen.user_id,
            state=row[_conversations.c.state],
            draft=dict(row[_conversations.c.draft] or {}),
            misunderstood=row[_conversations.c.misunderstood],
            question=row[_conversations.c.question],
            asked=row[_conversations.c.asked],
            window_start=row[_conversations.c.window_start],
            window_count=row[_conversations.c.window_count],
            updated_at=row[_conversations.c.updated_at],
        )
        if conversation.updated_at is not None and _aware(conversation.updated_at) < now - TIMEOUT:
            conversation.reset()
    return Opened(profile, conversation, new_user=False)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _create_user(session: Session, *, seen: Profile, private_chat: bool, now: datetime) -> None:
    """A first update of this user; two processes may race to create them, and both are fine."""
    statement = (
        _insert(session, _users)
        .values(
            id=seen.user_id,
            first_name=seen.first_name,
            username=seen.username,
            telegram_locale=seen.telegram_locale,
            has_private_chat=private_chat,
            reachable=True,
            activity_news=False,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[_users.c.id])
    )
    session.execute(statement)


def _refresh_user(session: Session, *, stored: Profile, seen: Profile, private_chat: bool) -> Profile:
    """Write what Telegram says now about the user, only when it differs (a forgotten user keeps no names)."""
    changes: dict[str, Any] = {}
    if not stored.forgotten and (stored.first_name, stored.username) != (seen.first_name, seen.username):
        changes.update(first_name=seen.first_name, username=seen.username)
    if stored.telegram_locale != seen.telegram_locale:
        changes["telegram_locale"] = seen.telegram_locale
    if private_chat and not (stored.has_private_chat and stored.reachable):
        changes.update(has_private_chat=True, reachable=True)
    if not changes:
        return stored
    session.execute(update(_users).where(_users.c.id == stored.user_id).values(**changes))
    names = {key: value for key, value in changes.items() if key in Profile.__dataclass_fields__}
    return dataclasses.replace(stored, **names)


def count_message(conversation: ConversationState, *, now: datetime) -> int:
    """Count one private message in the current minute (anti-spam); the count including this one."""
    window = now.replace(second=0, microsecond=0)
    if conversation.window_start is None or _aware(conversation.window_start) != window:
        conversation.window_start, conversation.window_count = window, 0
    conversation.window_count += 1
    return conversation.window_count


def save_conversation(session: Session, conversation: ConversationState, *, now: datetime) -> None:
    """Write the conversation in the update's transaction."""
    values = {
        "state": conversation.state,
        "draft": conversation.draft,
        "misunderstood": conversation.misunderstood,
        "question": conversation.question,
        "asked": conversation.asked,
        "window_start": conversation.window_start,
        "window_count": conversation.window_count,
        "updated_at": now,
    }
    statement = (
        _insert(session, _conversations)
        .values(user_id=conversation.user_id, **values)
        .on_conflict_do_update(index_elements=[_conversations.c.user_id], set_=values)
    )
    session.execute(statement)
    conversation.updated_at = now


def forget_conversation(session: Session, *, user_id: int) -> None:
    """Drop a user's conversation (part of `/vergeetmij`)."""
    session.execute(delete(_conversations).where(_conversations.c.user_id == user_id))
