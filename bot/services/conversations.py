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
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from bot.services.idempotency import update_keys
from db.models import Conversation, HelpRequest, ProcessedUpdate, User

IDLE = ""
TIMEOUT = timedelta(hours=1)
"""An open question older than this is forgotten: the next message starts afresh."""

DAY = timedelta(days=1)

_users = User.__table__
_conversations = Conversation.__table__
_requests = HelpRequest.__table__
_processed = ProcessedUpdate.__table__


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
    window_start: datetime | None = None
    window_count: int = 0
    updated_at: datetime | None = None
    last_press: str = ""
    """The last button pressed, as "message id:data" (the same press again is a double tap)."""
    version: int = 0
    """How often the row was written; the next write expects it unchanged (else another process came first)."""

    def reset(self) -> None:
        """Leave the open question and drop the draft."""
        self.state, self.draft, self.misunderstood = IDLE, {}, 0


@dataclass(frozen=True)
class Opened:
    """What an update starts from: the user's profile, their conversation, and their requests of the last day."""

    profile: Profile
    conversation: ConversationState
    requests_today: int


class ConversationChanged(Exception):
    """Another process wrote this conversation since it was read: the update is handled again, afresh."""


def _insert(session: Session, table):
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


_USER_COLUMNS = (
    "first_name",
    "username",
    "telegram_locale",
    "chosen_locale",
    "neighbourhood_slug",
    "phone",
    "activity_news",
    "has_private_chat",
    "reachable",
    "forgotten_at",
)
_CONVERSATION_COLUMNS = (
    "state",
    "draft",
    "misunderstood",
    "window_start",
    "window_count",
    "updated_at",
    "last_press",
    "version",
)


@cache
def _open_statement(dialect: str, record: bool):
    """The statement of `open_update` for one dialect, built once (the uid and the moment are parameters)."""
    uid, since = bindparam("uid"), bindparam("since")
    user = [select(_users.c[name]).where(_users.c.id == uid).scalar_subquery() for name in _USER_COLUMNS]
    conversation = [
        select(_conversations.c[name]).where(_conversations.c.user_id == uid).scalar_subquery()
        for name in _CONVERSATION_COLUMNS
    ]
    today = (
        select(func.count())
        .select_from(_requests)
        .where(_requests.c.resident_id == uid, _requests.c.created_at > since)
        .scalar_subquery()
    )
    exists_user = select(_users.c.id).where(_users.c.id == uid).scalar_subquery()
    if not record:
        return select(exists_user, *user, *conversation, today)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(_processed)
        .on_conflict_do_nothing(index_elements=[_processed.c.update_id])
        .returning(exists_user, *user, *conversation, today)
    )


def open_update(
    session: Session,
    *,
    update_id: int,
    callback_query_id: str | None,
    seen: Profile,
    private_chat: bool,
    now: datetime,
    record: bool = True,
) -> Opened | None:
    """Record the update (and its button press) and read who sent it, in one statement; None when seen before.

    With `record` off the update is only read (a second transaction of an update already counted).

    The statement inserts the update's keys into `processedupdate` and returns, for each new key, the user's row,
    their conversation and how many requests they made in the last day (scalar subqueries: one round trip on
    SQLite and PostgreSQL alike). A key that was there already returns nothing: the update was handled before.
    A new user is created; Telegram's names and language are written only when they changed.
    """
    keys = update_keys(update_id, callback_query_id)
    uid = seen.user_id
    statement = _open_statement(session.get_bind().dialect.name, record)
    if record:
        params = [{"update_id": key, "processed_at": now, "uid": uid, "since": now - DAY} for key in keys]
        rows = session.execute(statement, params).all()
        if len(rows) < len(keys):
            return None
    else:
        rows = session.execute(statement, {"uid": uid, "since": now - DAY}).all()
    row = rows[0]
    user = dict(zip(_USER_COLUMNS, row[1 : 1 + len(_USER_COLUMNS)], strict=True))
    stored = dict(zip(_CONVERSATION_COLUMNS, row[1 + len(_USER_COLUMNS) : -1], strict=True))
    requests_today = row[-1] or 0
    if row[0] is None:
        _create_user(session, seen=seen, private_chat=private_chat, now=now)
        return Opened(dataclasses.replace(seen, has_private_chat=private_chat), ConversationState(uid), requests_today)
    stored_profile = Profile(
        user_id=uid,
        first_name=user["first_name"],
        username=user["username"],
        telegram_locale=user["telegram_locale"],
        chosen_locale=user["chosen_locale"],
        neighbourhood_slug=user["neighbourhood_slug"],
        phone=user["phone"],
        activity_news=bool(user["activity_news"]),
        has_private_chat=bool(user["has_private_chat"]),
        reachable=bool(user["reachable"]),
        forgotten=user["forgotten_at"] is not None,
    )
    profile = _refresh_user(session, stored=stored_profile, seen=seen, private_chat=private_chat)
    conversation = ConversationState(uid)
    if stored["version"] is not None:
        conversation = ConversationState(
            user_id=uid,
            state=stored["state"],
            draft=dict(stored["draft"] or {}),
            misunderstood=stored["misunderstood"],
            window_start=stored["window_start"],
            window_count=stored["window_count"],
            updated_at=stored["updated_at"],
            last_press=stored["last_press"],
            version=stored["version"],
        )
        if conversation.updated_at is not None and _aware(conversation.updated_at) < now - TIMEOUT:
            conversation.reset()
    return Opened(profile, conversation, requests_today)


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


_SAVED_COLUMNS = ("state", "draft", "misunderstood", "window_start", "window_count", "updated_at", "last_press")


@cache
def _save_statement(dialect: str):
    """The upsert of `save_conversation` for one dialect, built once: it only writes over the version it read."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_conversations)
    return (
        insert.values(version=1)
        .on_conflict_do_update(
            index_elements=[_conversations.c.user_id],
            set_={
                **{name: insert.excluded[name] for name in _SAVED_COLUMNS},
                "version": _conversations.c.version + 1,
            },
            where=_conversations.c.version == bindparam("read_version"),
        )
        .returning(_conversations.c.version)
    )


def save_conversation(session: Session, conversation: ConversationState, *, now: datetime) -> None:
    """Write the conversation in the update's transaction; `ConversationChanged` when another process came first."""
    params = {
        "user_id": conversation.user_id,
        "state": conversation.state,
        "draft": conversation.draft,
        "misunderstood": conversation.misunderstood,
        "window_start": conversation.window_start,
        "window_count": conversation.window_count,
        "updated_at": now,
        "last_press": conversation.last_press,
        "read_version": conversation.version,
    }
    statement = _save_statement(session.get_bind().dialect.name)
    if session.execute(statement, params).first() is None:  # neither inserted nor updated: someone else wrote it
        raise ConversationChanged(conversation.user_id)
    conversation.updated_at = now
    conversation.version += 1


def forget_conversation(session: Session, *, user_id: int) -> None:
    """Drop a user's conversation (part of `/vergeetmij`)."""
    session.execute(delete(_conversations).where(_conversations.c.user_id == user_id))
