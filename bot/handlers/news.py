"""Activity news: residents opt in once at `/start` and change it any time with `/nieuws` (`news:yes|no`)."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.flows.menu import news_question, show_menu
from bot.services.people import profile_of, set_activity_news


async def news_command(update: Update, context: BotContext) -> None:
    """`/nieuws`: say the current choice and offer to change it."""
    _ = context._
    with context.unit_of_work() as uow:
        profile = profile_of(
            uow.session, update.effective_user.id, default_locale=context.runtime.settings.default_locale
        )
    wanted = bool(profile and profile.activity_news)
    now = (
        _("U krijgt nu een bericht als er iets te doen is in uw buurt.")
        if wanted
        else _("U krijgt nu geen bericht meer als er iets te doen is.")
    )
    text, markup = news_question(_)
    await update.effective_chat.send_message(now + "\n\n" + text, reply_markup=markup)


async def choose_news(update: Update, context: BotContext) -> None:
    """A news button: store the choice, confirm it."""
    query = update.callback_query
    await query.answer()
    wanted = query.data.startswith("news:yes")
    with context.unit_of_work() as uow:
        set_activity_news(uow.session, update.effective_user.id, wanted)
        uow.commit()
    _ = context._
    text = (
        _("Goed. U krijgt berichten over activiteiten in uw buurt.")
        if wanted
        else _("Goed. U krijgt geen bericht als er iets te doen is.")
    )
    await query.edit_message_text("📰 " + text + " " + _("Wijzigen kan altijd met /nieuws."), reply_markup=None)
    if query.data.endswith(":menu"):
        await show_menu(update, context)
