"""Runs before every other handler: each update once, the user's record and language, floods, forged buttons."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.handlers.buttons import refuse_out_of_place
from bot.handlers.limits import stop_flooding
from bot.i18n import resolve_locale
from bot.services.idempotency import callback_key
from bot.services.limits import count_message
from bot.services.people import upsert_user
from db.models import ProcessedUpdate

log = logging.getLogger(__name__)


async def prepare_update(update: Update, context: BotContext) -> None:
    """Handle each update once, keep the user's record fresh and choose their language."""
    now = context.runtime.clock.now()
    user = update.effective_user
    with context.session() as session:
        session.add(ProcessedUpdate(update_id=update.update_id, processed_at=now))
        if update.callback_query is not None:  # the same press in another update counts once
            session.add(ProcessedUpdate(update_id=callback_key(update.callback_query.id), processed_at=now))
        try:
            session.flush()
        except IntegrityError:
            log.info("update %s was already handled; skipped", update.update_id)
            raise ApplicationHandlerStop from None
        if user is None or user.is_bot:
            session.commit()
            if user is not None:
                # Other bots have nothing to ask us; nothing behind this point expects them.
                raise ApplicationHandlerStop
            return
        chat = update.effective_chat
        record = upsert_user(
            session,
            user_id=user.id,
            first_name=user.first_name,
            username=user.username,
            language_code=user.language_code,
            now=now,
            private_chat=chat is not None and chat.type == ChatType.PRIVATE,
        )
        locale = resolve_locale(record.chosen_locale, record.telegram_locale, context.runtime.settings.default_locale)
        # Only private messages count: the bot answers nothing else that a flood could make expensive.
        private_message = update.message is not None and update.message.chat.type == ChatType.PRIVATE
        sent_this_minute = count_message(session, user_id=user.id, now=now) if private_message else 0
        session.commit()
    context.use_locale(locale)
    await stop_flooding(update, context, sent_this_minute)
    await refuse_out_of_place(update, context)
