"""Anti-spam at the door: too many private messages in a minute are answered once, kindly, then ignored."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext

log = logging.getLogger(__name__)


async def stop_flooding(update: Update, context: BotContext, sent_this_minute: int) -> None:
    """Past the per-minute limit, say so once and handle nothing more until the minute is over."""
    limit = context.runtime.settings.messages_per_minute
    if sent_this_minute <= limit:
        return
    if sent_this_minute == limit + 1:
        log.info("user %s sent more than %s messages in a minute", update.effective_user.id, limit)
        _ = context._
        await update.effective_chat.send_message(
            "✋ " + _("U stuurt veel berichten kort na elkaar. Wacht even een minuut. Daarna kunt u verder.")
        )
    raise ApplicationHandlerStop
