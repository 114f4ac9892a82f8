"""`/steunpunt` and "waar kan ik terecht?": the steunpunten near the resident."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.render.keyboards import button_rows
from bot.render.steunpunten import render_steunpunt
from bot.services.people import profile_of
from bot.services.steunpunten import steunpunten_for

SHOWN = 4


async def show_steunpunten(update: Update, context: BotContext) -> int:
    """The steunpunten of the resident's neighbourhood first, then the rest of the municipality."""
    _ = context._
    settings = context.runtime.settings
    with context.unit_of_work() as uow:
        profile = profile_of(uow.session, update.effective_user.id, default_locale=settings.default_locale)
        slug = profile.neighbourhood_slug if profile else None
        found = steunpunten_for(uow.session, slug, settings.data_dir) if slug else []
    if slug is None:
        await update.effective_chat.send_message(_("Ik weet nog niet waar u woont. Typ /start en kies uw woonplaats."))
        return ConversationHandler.END
    if not found:
        await update.effective_chat.send_message(
            _("Ik ken nog geen steunpunt bij u in de buurt. Wilt u gebeld worden? Druk dan op de knop."),
            reply_markup=button_rows([("📞 " + _("Bel mij terug"), "menu:callme")]),
        )
        return ConversationHandler.END
    parts = [render_steunpunt(steunpunt, _) for steunpunt in found[:SHOWN]]
    await update.effective_chat.send_message("🧭 " + _("Hier kunt u terecht:") + "\n\n" + "\n\n".join(parts))
    return ConversationHandler.END
