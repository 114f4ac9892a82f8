"""`/steunpunt` and "waar kan ik terecht?": the steunpunten near the resident."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.flows.keyboards import button_rows
from bot.services.steunpunten import render_steunpunt, steunpunten_for
from db.models import User

SHOWN = 4


async def show_steunpunten(update: Update, context: BotContext) -> int:
    """The steunpunten of the resident's neighbourhood first, then the rest of the municipality."""
    _ = context._
    with context.session() as session:
        user = session.get(User, update.effective_user.id)
        slug = user.neighbourhood_slug if user else None
        found = steunpunten_for(session, slug, context.runtime.settings.data_dir) if slug else []
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
