"""Checks that flows and handlers start with: a coordinator's scope, and the daily number of requests."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.render.keyboards import button_rows
from bot.services.access import Scope, scope_of
from bot.services.limits import may_ask_another


async def require_coordinator(update: Update, context: BotContext) -> Scope | None:
    """Where the coordinator behind this update may act, or None after a polite refusal."""
    with context.unit_of_work() as uow:
        scope = scope_of(uow.session, update.effective_user.id)
    if scope is None:
        await refuse(update, context)
    return scope


async def refuse(update: Update, context: BotContext) -> None:
    """Say that only a coordinator (of this municipality) can do this."""
    text = context._("Sorry, dat mag u niet. Dat doet de coördinator van deze gemeente.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await update.effective_chat.send_message(text)


async def over_daily_limit(update: Update, context: BotContext) -> bool:
    """True (and the resident is told kindly) when they already sent today's number of requests."""
    runtime = context.runtime
    per_day = runtime.settings.requests_per_day
    with context.unit_of_work() as uow:
        allowed = may_ask_another(
            uow.session, resident_id=update.effective_user.id, now=runtime.clock.now(), per_day=per_day
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
