"""Conversation states and unfinished answers in the database, so a restart of the bot loses nothing.

PTB keeps both in memory and hands them to a persistence every few seconds and when it stops; this one writes
them to two small tables. `bot_data` (engine, settings) and `chat_data` are not kept: the database holds the rest.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from telegram.ext import BasePersistence, PersistenceInput

from db.models import ConversationState, UserState

UPDATE_INTERVAL = 2.0


class DatabasePersistence(BasePersistence[dict, dict, dict]):
    """PTB persistence for `user_data` and conversations, in the bot's own database."""

    def __init__(self, engine: Engine, update_interval: float = UPDATE_INTERVAL) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True, callback_data=False),
            update_interval=update_interval,
        )
        self.engine = engine

    def _write(self, change: Callable[[Session], Any]) -> None:
        with Session(self.engine) as session:
            change(session)
            session.commit()

    async def get_user_data(self) -> dict[int, dict]:
        with Session(self.engine) as session:
            return {row.user_id: pickle.loads(row.data) for row in session.exec(select(UserState))}

    async def update_user_data(self, user_id: int, data: dict) -> None:
        if not data:
            await self.drop_user_data(user_id)
            return
        self._write(lambda session: session.merge(UserState(user_id=user_id, data=pickle.dumps(data))))

    async def drop_user_data(self, user_id: int) -> None:
        self._write(lambda session: session.exec(delete(UserState).where(UserState.user_id == user_id)))

    async def get_conversations(self, name: str) -> dict:
        with Session(self.engine) as session:
            rows = session.exec(select(ConversationState).where(ConversationState.name == name))
            return {tuple(json.loads(row.key)): json.loads(row.state) for row in rows}

    async def update_conversation(self, name: str, key: tuple[int | str, ...], new_state: object | None) -> None:
        encoded_key = json.dumps(list(key))

        def change(session: Session) -> None:
            if new_state is None:
                session.exec(
                    delete(ConversationState).where(
                        ConversationState.name == name, ConversationState.key == encoded_key
                    )
                )
            else:
                session.merge(ConversationState(name=name, key=encoded_key, state=json.dumps(new_state)))

        self._write(change)

    # Not kept: chat_data, bot_data (it holds the engine and settings) and arbitrary callback data.
    async def get_chat_data(self) -> dict[int, dict]:
        return {}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        return None

    async def update_bot_data(self, data: dict) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict) -> None:
        return None

    async def flush(self) -> None:
        return None
