"""Join requests from our invite links: only approved volunteers of the group's neighbourhood get in."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.services.volunteers import may_join_group

log = logging.getLogger(__name__)


async def join_request(update: Update, context: BotContext) -> None:
    """Approve an approved volunteer of this group's neighbourhood; decline anyone else, with a word why."""
    request = update.chat_join_request
    user_id, chat_id = request.from_user.id, request.chat.id
    with context.unit_of_work() as uow:
        allowed = may_join_group(uow.session, user_id=user_id, chat_id=chat_id)
    try:
        if allowed:
            await request.approve()
        else:
            await request.decline()
    except TelegramError as error:
        log.warning("join request of %s to chat %s not handled: %s", user_id, chat_id, type(error).__name__)
        return
    log.info("join request of %s to chat %s %s", user_id, chat_id, "approved" if allowed else "declined")
    if allowed:
        return
    try:
        # The user who asked may be written to for a few minutes, even without a chat with us.
        await context.bot.send_message(
            request.user_chat_id,
            context._("Deze groep is voor vrijwilligers van de buurt. Wilt u helpen? Meld u aan met /aanbieden."),
        )
    except TelegramError as error:
        log.info("could not tell %s about the declined join request: %s", user_id, type(error).__name__)
