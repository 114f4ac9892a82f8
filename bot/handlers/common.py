"""Runs before every other handler: each update once, the user's record and language, floods, forged buttons."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.handlers.buttons import refuse_out_of_place
from bot.handlers.limits import stop_flooding
from bot.services.idempotency import first_time
from bot.services.limits import count_message
from bot.services.people import locale_of, upsert_user

log = logging.getLogger(__name__)


async def prepare_update(update: Update, context: BotContext) -> None:
    """Handle each update once, keep the user's record fresh and choose their language."""
    now = context.runtime.clock.now()
    user = update.effective_user
    query_id = update.callback_query.id if update.callback_query is not None else None
    with context.unit_of_work() as uow:
        if not first_time(uow.session, update_id=update.update_id, callback_query_id=query_id, now=now):
            log.info("update %s was already handled; skipped", update.update_id)
            raise ApplicationHandlerStop
        if user is None or user.is_bot:
            uow.commit()
            if user is not None:
                # Other bots have nothing to ask us; nothing behind this point expects them.
                raise ApplicationHandlerStop
            return
        chat = update.effective_chat
        upsert_user(
            uow.session,
            user_id=user.id,
            first_name=user.first_name,
            username=user.username,
            language_code=user.language_code,
            now=now,
            private_chat=chat is not None and chat.type == ChatType.PRIVATE,
        )
        locale = locale_of(uow.session, user.id, default_locale=context.runtime.settings.default_locale)
        # Only private messages count: the bot answers nothing else that a flood could make expensive.
        private_message = update.message is not None and update.message.chat.type == ChatType.PRIVATE
        sent_this_minute = count_message(uow.session, user_id=user.id, now=now) if private_message else 0
        uow.commit()
    context.use_locale(locale)
    await stop_flooding(update, context, sent_this_minute)
    await refuse_out_of_place(update, context)
