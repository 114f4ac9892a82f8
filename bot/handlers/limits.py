"""Anti-spam at the door: too many private messages in a minute are answered once, kindly, then ignored."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.flows.keyboards import button_rows
from bot.services.limits import count_message, may_ask_another

log = logging.getLogger(__name__)


async def stop_flooding(update: Update, context: BotContext) -> None:
    """Count a user's message; past the limit, say so once a minute and handle nothing more."""
    message, user = update.message, update.effective_user
    # Only private chats: the bot answers nothing else that a flood could make expensive.
    if message is None or user is None or user.is_bot or message.chat.type != ChatType.PRIVATE:
        return
    runtime = context.runtime
    limit = runtime.settings.messages_per_minute
    with context.session() as session:
        count = count_message(session, user_id=user.id, now=runtime.clock.now())
    if count <= limit:
        return
    if count == limit + 1:
        log.info("user %s sent more than %s messages in a minute", user.id, limit)
        _ = context._
        await message.chat.send_message(
            "✋ " + _("U stuurt veel berichten kort na elkaar. Wacht even een minuut. Daarna kunt u verder.")
        )
    raise ApplicationHandlerStop


async def over_daily_limit(update: Update, context: BotContext) -> bool:
    """True (and the resident is told kindly) when they already sent today's number of requests."""
    runtime = context.runtime
    per_day = runtime.settings.requests_per_day
    with context.session() as session:
        allowed = may_ask_another(
            session, resident_id=update.effective_user.id, now=runtime.clock.now(), per_day=per_day
        )
    if allowed:
        return False
    _ = context._
    text = _("U heeft vandaag al {count} vragen gestuurd. Dat is het maximum per dag.").format(count=per_day)
    text += " " + _("Morgen kunt u weer een vraag sturen. Is het dringend? Druk op 'Bel mij terug'.")
    markup = button_rows([("📞 " + _("Bel mij terug"), "menu:callme")])
    await update.effective_chat.send_message("✋ " + text, reply_markup=markup)
    return True
