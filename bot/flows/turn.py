"""One update, one transaction: who writes, where they are in the conversation, what the bot answers.

    application.add_handler(MessageHandler(PRIVATE_TEXT, turn_handler(conversation.on_text)))

`run_turn` opens a unit of work and reads the user with their conversation (on PostgreSQL their row stays locked
until the commit). The update counts once (a redelivered update or a second press of the same button stops here), a
flood is answered once and then ignored, and a button pressed where the bot never put it is refused. Then the step
runs: plain synchronous code that decides, changes the database through services and collects replies, in a worker
thread (while it waits on the database, the event loop serves everyone else). The conversation and the replies (as
outbox rows, leased to this process) are written in the same transaction, which commits once. Only then does the bot
talk to Telegram: the answer to a pressed button, then the replies at once through the shared throttle; what the
limits do not allow yet waits in the outbox, in order. A crash at any point loses nothing and repeats nothing:
either the update left no trace and Telegram delivers it again, or its answer is in the outbox. A step whose effects
need a message to arrive (a claim's details) names a fallback with `unless_delivered`: when Telegram refuses that
message, the fallback runs as a turn of its own, right after.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError

from bot.buttons import Button, Where, parse_any
from bot.context import BotContext
from bot.dates import local_today
from bot.delivery.store import Row
from bot.i18n import Translator, resolve_locale, translator
from bot.services.conversations import (
    ConversationChanged,
    ConversationState,
    Profile,
    count_message,
    open_update,
    save_conversation,
)
from bot.services.outbox import Call, enqueue_calls, rows_to_send, send_after_commit
from bot.services.places import is_linked
from bot.services.runtime import Runtime
from db.models import OutboxStatus

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
Step = Callable[["Turn"], None]
Prepare = Callable[[Update, BotContext], Awaitable[Any]]
"""Telegram work whose answer a step needs (an invite link), done before the turn's transaction opens."""
GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)
ATTEMPTS = 3


@dataclass
class Turn:
    """What a step may read, and the replies it collects; a step never talks to Telegram itself."""

    update: Update
    runtime: Runtime
    session: Session
    now: datetime
    profile: Profile
    conversation: ConversationState
    _: Translator
    button: Button | None = None
    requests_today: int = 0
    prepared: Any = None
    """What the turn's `prepare` brought from Telegram before the transaction (None without one)."""
    replies: list[Call] = field(default_factory=list)
    undelivered: list[tuple[int, Step]] = field(default_factory=list)
    answer_text: str = ""
    answer_alert: bool = False
    _preface: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ what came in

    @property
    def user_id(self) -> int:
        return self.profile.user_id

    @property
    def chat_id(self) -> int:
        return self.update.effective_chat.id

    @property
    def in_private(self) -> bool:
        chat = self.update.effective_chat
        return chat is not None and chat.type == ChatType.PRIVATE

    @property
    def message(self):
        """The message of this update (for a pressed button: the message the button is under)."""
        return self.update.effective_message

    @property
    def text(self) -> str:
        """The text the person typed (empty for a pressed button or anything but text)."""
        message = self.update.message
        return (message.text or "").strip() if message is not None else ""

    @property
    def arguments(self) -> list[str]:
        """The words after a command: `/overzicht maand landgraaf` gives ["maand", "landgraaf"]."""
        words = self.text.split()
        return words[1:] if words and words[0].startswith("/") else []

    @property
    def pressed_again(self) -> bool:
        """The same button of the same message was pressed just before (a double tap)."""
        return bool(self.conversation.last_press) and self.conversation.last_press == _press_key(self.update)

    @property
    def state(self) -> str:
        return self.conversation.state

    @property
    def draft(self) -> dict[str, Any]:
        return self.conversation.draft

    @property
    def today(self) -> date:
        """Today where the bot works (Europe/Amsterdam)."""
        return local_today(self.now, self.runtime.settings.time_zone)

    def group_translator(self) -> Translator:
        """Groups read the bot in the default language."""
        return translator(self.runtime.settings.default_locale, self.runtime.settings.time_zone)

    # ------------------------------------------------------------------ what goes out

    def goto(self, state: str) -> None:
        """The next typed message is read as the answer to the question of `state`."""
        if self.conversation.state != state:
            self.conversation.misunderstood = 0
        self.conversation.state = state

    def end(self) -> None:
        """Leave the conversation: no open question, no draft."""
        self.conversation.reset()

    def preface(self, text: str) -> None:
        """Put `text` above the next message this turn sends (one message, not two)."""
        self._preface.append(text)

    def acknowledge(self, text: str) -> None:
        """Show what was chosen: in the pressed message (its buttons go), or above the next message."""
        if self.update.callback_query is not None and self.update.callback_query.message is not None:
            self.edit(text)
        else:
            self.preface(text)

    def say(self, text: str, markup: Markup = None, *, link_preview: bool = True) -> None:
        """Send a message to this chat (HTML: the caller escapes the person's own words)."""
        self.say_to(self.chat_id, text, markup, link_preview=link_preview)

    def say_to(self, chat_id: int, text: str, markup: Markup = None, *, link_preview: bool = True) -> None:
        """Send a message to another chat (a volunteer, privately, after a press in a group)."""
        if self._preface and chat_id == self.chat_id:
            text = "\n\n".join([*self._preface, text] if text else self._preface)
            self._preface.clear()
        params: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
        if markup is not None:
            params["reply_markup"] = markup.to_dict()
        if not link_preview:
            params["link_preview_options"] = {"is_disabled": True}
        self.replies.append(Call(chat_id, "sendMessage", params))

    def call(self, chat_id: int, method: str, *, keep: tuple[str, int] | None = None, **params: Any) -> None:
        """Any other Bot API call (e.g. approveChatJoinRequest), through the outbox like every reply.

        `keep` = (kind, id) names what the sender keeps of the result, e.g. ("poll", 7): the poll's id on that row.
        """
        ref_kind, ref_id = keep if keep is not None else (None, None)
        self.replies.append(Call(chat_id, method, params, ref_kind, ref_id))

    def unless_delivered(self, chat_id: int, step: Step) -> None:
        """If Telegram refuses this turn's messages to `chat_id` (blocked, never started), run `step` right after.

        `step` runs in a turn of its own (same update), to undo what needed those messages; the press is
        answered after the send, with that turn's answer when it ran.
        """
        self.undelivered.append((chat_id, step))

    def edit(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Change the message whose button was pressed (its buttons go, unless new ones are given)."""
        params: dict[str, Any] = {"text": text, "parse_mode": "HTML", **self._pressed()}
        params["reply_markup"] = (markup or InlineKeyboardMarkup([])).to_dict()
        self.replies.append(Call(self.chat_id, "editMessageText", params))

    def edit_buttons(self, markup: InlineKeyboardMarkup | None = None) -> None:
        """Change (or with None, take away) the buttons of the message whose button was pressed."""
        params = {"reply_markup": (markup or InlineKeyboardMarkup([])).to_dict(), **self._pressed()}
        self.replies.append(Call(self.chat_id, "editMessageReplyMarkup", params))

    def drop_buttons(self) -> None:
        """Take the buttons off the message whose button was pressed (nothing when typed)."""
        if self.update.callback_query is not None and self.update.callback_query.message is not None:
            self.edit_buttons(None)

    def answer(self, text: str = "", *, alert: bool = False) -> None:
        """The small answer to a pressed button: a toast, or a box to close with `alert`."""
        self.answer_text, self.answer_alert = text, alert

    def _pressed(self) -> dict[str, Any]:
        query = self.update.callback_query
        if query is None or query.message is None:
            raise RuntimeError("no pressed message to change")
        return {"message_id": query.message.message_id}

    def flush_preface(self) -> None:
        """A preface that no message took goes out on its own."""
        if self._preface:
            self.say("")


def turn_handler(step: Step, *, prepare: Prepare | None = None) -> Callable[[Update, BotContext], Any]:
    """A PTB callback that runs `step` as one turn (after `prepare`, whose answer the step finds in `prepared`)."""

    async def handle(update: Update, context: BotContext) -> None:
        prepared = await prepare(update, context) if prepare is not None else None
        await run_turn(update, context, step, prepared=prepared)

    handle.__name__ = handle.__qualname__ = getattr(step, "__name__", "step")
    handle.__doc__ = step.__doc__
    return handle


def _seen(update: Update) -> Profile:
    user = update.effective_user
    return Profile(
        user_id=user.id, first_name=user.first_name or "", username=user.username, telegram_locale=user.language_code
    )


def _in_place(turn: Turn) -> bool:
    """Whether a pressed button is where the bot puts buttons of its kind (private, group, linked group)."""
    if turn.button is None:
        return True
    chat, where = turn.update.effective_chat, turn.button.where
    if chat is None:  # a button under an inline message: the bot never puts one there
        return False
    if chat.type == ChatType.PRIVATE:
        return where in (Where.PRIVATE, Where.PRIVATE_OR_LINKED_GROUP)
    if chat.type not in GROUPS or where is Where.PRIVATE:
        return False
    return where is Where.GROUP or is_linked(turn.session, chat.id)


async def run_turn(update: Update, context: BotContext, step: Step, *, prepared: Any = None) -> None:
    """Read, decide and write in one transaction; then answer the press and send the replies."""
    # The transaction runs in a worker thread: while it waits on the database, the loop serves everyone else.
    decided = await asyncio.to_thread(_decide_once, update, context, step, prepared=prepared, follow_up=False)
    if decided is None:
        return
    turn, rows, lease_until = decided
    if not turn.undelivered:
        await _answer_press(turn)
        await context.sender.send_now(rows, lease_until)
        return
    # The turn depends on reaching someone: send first, then answer the press with what came of it.
    await context.sender.send_now(rows, lease_until)
    refused = {row.chat_id for row in rows if row.status == OutboxStatus.FAILED and _forbidden(row.last_error)}
    fallback = next((step for chat_id, step in turn.undelivered if chat_id in refused), None)
    if fallback is not None:
        follow_up = await asyncio.to_thread(_decide_once, update, context, fallback, prepared=prepared, follow_up=True)
        if follow_up is not None:
            turn, rows, lease_until = follow_up
            await context.sender.send_now(rows, lease_until)
    await _answer_press(turn)


def _press_key(update: Update) -> str:
    """Which button of which message a press is ("" for anything but a press)."""
    query = update.callback_query
    if query is None or query.message is None:
        return ""
    return f"{query.message.message_id}:{query.data}"


def _forbidden(error: str | None) -> bool:
    """The sender's note of a refusal: the person blocked the bot or never started a chat with it."""
    return (error or "").startswith(Forbidden.__name__)


def _decide_once(update: Update, context: BotContext, step: Step, **options: Any) -> Decided | None:
    """`_decide`, done again on fresh data when another process wrote this person's conversation in between."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _decide(update, context, step, **options)
        except ConversationChanged:
            if attempt == ATTEMPTS:
                raise
        except DBAPIError as error:  # the database restarted since this pooled connection was last used
            if not error.connection_invalidated or attempt == ATTEMPTS:
                raise
            log.warning("database connection lost; the turn is tried again")
    return None


Decided = tuple[Turn, list[Row], datetime]


def _decide(update: Update, context: BotContext, step: Step, *, prepared: Any, follow_up: bool) -> Decided | None:
    """One transaction: the step, its replies in the outbox, the conversation; None for an update seen before.

    A follow-up (the fallback of an undelivered message) is part of an update already counted.
    """
    runtime = context.runtime
    query = update.callback_query
    now = runtime.clock.now()
    private = update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE
    with runtime.unit_of_work() as uow:
        session = uow.session
        lease_until = send_after_commit(session, now)
        opened = open_update(
            session,
            update_id=update.update_id,
            callback_query_id=query.id if query else None,
            seen=_seen(update),
            private_chat=private,
            now=now,
            record=not follow_up,
        )
        if opened is None:
            log.info("update %s was already handled; skipped", update.update_id)
            return None
        settings = runtime.settings
        locale = resolve_locale(opened.profile.chosen_locale, opened.profile.telegram_locale, settings.default_locale)
        context.use_locale(locale)
        turn = Turn(
            update=update,
            runtime=runtime,
            session=session,
            now=now,
            profile=opened.profile,
            conversation=opened.conversation,
            _=translator(locale, settings.time_zone),
            button=parse_any(query.data) if query else None,
            requests_today=opened.requests_today,
            prepared=prepared,
        )
        before = copy.deepcopy(opened.conversation)
        if not _in_place(turn):
            turn.answer(turn._("Deze knop werkt niet meer."), alert=True)
        elif follow_up or not (private and update.message is not None and _flooding(turn)):
            step(turn)
        turn.flush_preface()
        if query is not None and private:
            turn.conversation.last_press = _press_key(update)
        enqueue_calls(session, turn.replies, now=now)
        if turn.conversation != before:
            save_conversation(session, turn.conversation, now=now)
        uow.commit()
        return turn, [Row.of(outbox) for outbox in rows_to_send(session)], lease_until


def _flooding(turn: Turn) -> bool:
    """Past the per-minute limit: say so once, then ignore this person until the minute is over."""
    limit = turn.runtime.settings.messages_per_minute
    count = count_message(turn.conversation, now=turn.now)
    if count <= limit:
        return False
    if count == limit + 1:
        log.info("user %s sent more than %s messages in a minute", turn.user_id, limit)
        _ = turn._
        turn.say("✋ " + _("U stuurt veel berichten kort na elkaar. Wacht even een minuut. Daarna kunt u verder."))
    return True


async def _answer_press(turn: Turn) -> None:
    """Answer a pressed button (Telegram shows a spinner until then); a failure is logged and skipped."""
    query = turn.update.callback_query
    if query is None:
        return
    try:
        await query.answer(turn.answer_text or None, show_alert=turn.answer_alert)
    except TelegramError as error:
        log.info("could not answer a button press: %s", type(error).__name__)
