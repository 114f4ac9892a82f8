"""Buttons work only where the bot puts them: a press anywhere else is forged, and refused quietly."""

from __future__ import annotations

import re

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.services.places import is_linked

# Prefixes of the callback data the bot only ever puts under messages in a private chat.
PRIVATE_BUTTONS = re.compile(
    r"^(forget|cancel|done|release|mins|fb|again|pass|px|ibx|vol|offer|menu|cat|when|send|details|call|lang|loc|news):"
)
# Buttons of groups: linking (any group) and claiming (only a linked group, where the cards are).
GROUP_BUTTONS = re.compile(r"^(lnkm|lnk):")
LINKED_GROUP_BUTTONS = re.compile(r"^claim:")
GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)


async def refuse_out_of_place(update: Update, context: BotContext) -> None:
    """A button pressed where the bot never put it: tell only the presser, and handle nothing more."""
    query = update.callback_query
    if query is None:
        return
    if not query.data:
        # PTB hands a press without data to every button handler, whatever its pattern; none expects it.
        await query.answer()
        raise ApplicationHandlerStop
    chat_type = query.message.chat.type if query.message is not None else None
    if PRIVATE_BUTTONS.match(query.data):
        in_place = chat_type == ChatType.PRIVATE
    elif GROUP_BUTTONS.match(query.data):
        in_place = chat_type in GROUPS
    elif LINKED_GROUP_BUTTONS.match(query.data):
        if chat_type in GROUPS:
            with context.unit_of_work() as uow:
                in_place = is_linked(uow.session, query.message.chat.id)
        else:
            in_place = False
    else:
        return
    if not in_place:
        await query.answer(context._("Deze knop werkt niet meer."), show_alert=True)
        raise ApplicationHandlerStop
