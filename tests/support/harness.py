"""A small driver for conversation tests, independent of the app's internals.

It takes an already built, *un-initialised* ``telegram.ext.Application`` whose bot talks to a
:class:`FakeBotAPI` (``ApplicationBuilder().token(...).request(fake).get_updates_request(fake)``)
and feeds it updates with ``Application.process_update`` -- no polling, no webhook, no network.
Blocking handlers (the default) have finished when a driver method returns.

    async with BotHarness(app, fake) as h:
        await h.command(anna, "/start")
        await h.press(anna, "Nederlands")
        assert "Welkom" in h.last_text(anna.id)
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from telegram import Chat, Update, User
from telegram.ext import Application, CallbackContext, ExtBot

from tests.support import updates as upd
from tests.support.fake_bot_api import MESSAGE_SEND_METHODS, ApiCall, FakeBotAPI

__all__ = ["BotHarness"]


class BotHarness:
    """Drive ``app`` update by update against ``api``.

    Args:
        app: built but not initialised Application using ``api`` as its request object.
        api: the FakeBotAPI.
        raise_errors: an exception escaping a handler (one PTB would hand to error handlers) is
            re-raised from the driver method after the app's own error handlers ran. Errors are
            always collected in :attr:`errors`. Set False to test the app's error handling.
        run_post_init: await ``app.post_init(app)`` after initialising (as ``run_polling`` does)
            and ``app.post_shutdown(app)`` on exit.
    """

    def __init__(
        self,
        app: Application,
        api: FakeBotAPI,
        *,
        raise_errors: bool = True,
        run_post_init: bool = True,
    ) -> None:
        self.app = app
        self.api = api
        self.raise_errors = raise_errors
        self.run_post_init = run_post_init
        self.errors: list[BaseException] = []
        #: every successful API call made while processing the last update
        self.last_calls: list[ApiCall] = []
        self._pending_errors: list[BaseException] = []

    # ------------------------------------------------------------------ lifecycle
    async def __aenter__(self) -> BotHarness:
        await self.app.initialize()
        self.app.add_error_handler(self._collect_error)
        if self.run_post_init and self.app.post_init:
            await self.app.post_init(self.app)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.app.remove_error_handler(self._collect_error)
        try:
            await self.app.shutdown()
        finally:
            if self.run_post_init and self.app.post_shutdown:
                await self.app.post_shutdown(self.app)

    async def _collect_error(self, update: object, context: CallbackContext) -> None:
        if context.error is not None:
            self.errors.append(context.error)
            self._pending_errors.append(context.error)

    @property
    def bot(self) -> ExtBot:
        return self.app.bot  # type: ignore[return-value]

    # ------------------------------------------------------------------ driving
    async def process(self, update: Update) -> list[ApiCall]:
        """Process one update; returns the new message sends (sendMessage/sendPhoto/
        sendDocument) made in response. All new calls are in :attr:`last_calls`."""
        update = Update.de_json(update.to_dict(), self.app.bot)  # bind to our bot
        if update.effective_user is not None:
            self.api.register_user(update.effective_user)
        if isinstance(self.app.bot, ExtBot):
            self.app.bot.insert_callback_data(update)  # what the Updater does for getUpdates
        before = len(self.api.calls)
        self._pending_errors = []
        await self.app.process_update(update)
        self.last_calls = self.api.calls[before:]
        if self.raise_errors and self._pending_errors:
            raise self._pending_errors[0]
        return [c for c in self.last_calls if c.method in MESSAGE_SEND_METHODS]

    async def send(self, user: User, text: str, *, chat: Chat | None = None) -> list[ApiCall]:
        """``user`` writes ``text`` in their private chat (or in group ``chat``)."""
        if chat is None:
            return await self.process(upd.private_text(user, text))
        return await self.process(upd.group_text(user, chat, text))

    async def command(self, user: User, command: str, chat: Chat | None = None, args: Any = None) -> list[ApiCall]:
        """``user`` sends ``/command args`` (``"/start"`` or ``"start"``; args list or string)."""
        if args is None and " " in command.strip():
            command, args = command.strip().split(maxsplit=1)
        return await self.process(upd.command(user, chat, command, args))

    async def share_contact(self, user: User, phone: str) -> list[ApiCall]:
        """``user`` shares their own contact (the request_contact keyboard button)."""
        return await self.process(upd.contact(user, phone))

    async def press(self, user: User, button_text: str, *, chat_id: int | None = None) -> list[ApiCall]:
        """Press the inline button whose text contains ``button_text`` on the newest message in
        ``chat_id`` (default: ``user``'s private chat) that has such a button."""
        chat = user.id if chat_id is None else chat_id
        for msg in reversed(self.api.messages(chat)):
            for row in (msg.get("reply_markup") or {}).get("inline_keyboard", []):
                for btn in row:
                    if button_text in btn.get("text", ""):
                        if "callback_data" not in btn:
                            raise AssertionError(f"button {btn['text']!r} has no callback_data: {btn}")
                        return await self.process(upd.callback(user, msg, btn["callback_data"]))
        available = [
            btn.get("text")
            for msg in self.api.messages(chat)
            for row in (msg.get("reply_markup") or {}).get("inline_keyboard", [])
            for btn in row
        ]
        raise AssertionError(f"no inline button containing {button_text!r} in chat {chat}; buttons there: {available}")

    # ------------------------------------------------------------------ inspecting
    @staticmethod
    def _chat_id(chat: int | User | Chat) -> int:
        return chat if isinstance(chat, int) else chat.id

    def last_text(self, chat: int | User | Chat) -> str | None:
        """Text (or caption) of the newest bot message in the chat, as currently shown (edits
        applied)."""
        msgs = self.api.messages(self._chat_id(chat))
        if not msgs:
            return None
        return msgs[-1].get("text", msgs[-1].get("caption"))

    def texts(self, chat: int | User | Chat) -> list[str]:
        """Texts/captions of all bot messages in the chat, oldest first, edits applied."""
        return [
            m.get("text", m.get("caption", ""))
            for m in self.api.messages(self._chat_id(chat))
            if "text" in m or "caption" in m
        ]

    def buttons(self, chat: int | User | Chat) -> list[str]:
        """Button texts (inline or reply keyboard, flattened) of the newest bot message in the
        chat that has a keyboard."""
        chat_id = self._chat_id(chat)
        for msg in reversed(self.api.messages(chat_id)):
            markup = self.api.markup(chat_id, msg["message_id"]) or {}
            rows = markup.get("inline_keyboard") or markup.get("keyboard")
            if rows:
                return [btn if isinstance(btn, str) else btn.get("text", "") for row in rows for btn in row]
        return []
