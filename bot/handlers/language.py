"""`/taal`: the resident chooses the bot's language."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.i18n import LOCALES
from bot.render.keyboards import button_rows
from bot.services.people import set_locale

LANGUAGE_NAMES = {"nl": "🇳🇱 Nederlands", "en": "🇬🇧 English", "de": "🇩🇪 Deutsch"}
LANGUAGE_CALLBACK = r"^lang:[a-z]{2}$"


async def choose_language(update: Update, context: BotContext) -> None:
    await update.effective_chat.send_message(
        "🌍 " + context._("In welke taal wilt u met mij praten?"),
        reply_markup=button_rows([(LANGUAGE_NAMES[code], f"lang:{code}") for code in LOCALES]),
    )


async def set_language(update: Update, context: BotContext) -> None:
    query = update.callback_query
    code = query.data.removeprefix("lang:")
    if code not in LOCALES:
        await query.answer()
        return
    with context.unit_of_work() as uow:
        set_locale(uow.session, update.effective_user.id, code)
        uow.commit()
    context.use_locale(code)
    await query.answer()
    await query.edit_message_text("✅ " + context._("Ik praat nu Nederlands met u."))
