"""Anti-spam at the door: too many private messages in a minute are answered once, kindly, then ignored."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.flows.keyboards import button_rows
from bot.services.limits import may_ask_another

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
    text = _.plural(
        "U heeft vandaag al {count} vraag gestuurd. Dat is het maximum per dag.",
        "U heeft vandaag al {count} vragen gestuurd. Dat is het maximum per dag.",
        per_day,
    ).format(count=per_day)
    text += " " + _("Morgen kunt u weer een vraag sturen. Is het dringend? Druk op 'Bel mij terug'.")
    markup = button_rows([("📞 " + _("Bel mij terug"), "menu:callme")])
    await update.effective_chat.send_message("✋ " + text, reply_markup=markup)
    return True
