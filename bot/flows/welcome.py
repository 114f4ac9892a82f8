"""`/start`: a short welcome, the neighbourhood once, then what the bot can do."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.flows.menu import ask_news_then_menu, show_menu
from bot.flows.place_picker import ask_place, place_from_callback, place_from_text, remember_place
from bot.flows.states import START_PLACE
from bot.services.people import profile_of
from bot.understanding import is_dont_know


async def start(update: Update, context: BotContext) -> int | str:
    """Welcome; ask the neighbourhood if we do not know it yet."""
    _ = context._
    context.user_data.clear()
    await update.effective_chat.send_message(
        "👋 "
        + _("Welkom bij Samen voor Elkaar. Hier helpen buren elkaar. Zoals met boodschappen, een klusje of een ritje.")
    )
    with context.unit_of_work() as uow:
        profile = profile_of(
            uow.session, update.effective_user.id, default_locale=context.runtime.settings.default_locale
        )
    known = profile is not None and profile.neighbourhood_slug is not None
    if not known:
        await ask_place(update, context)
        return START_PLACE
    await show_menu(update, context)
    return ConversationHandler.END


async def ask_start_place(update: Update, context: BotContext) -> str:
    """The "Nee, iets anders" under a suggested place: choose it with buttons."""
    await update.callback_query.answer()
    await ask_place(update, context)
    return START_PLACE


async def choose_start_place(update: Update, context: BotContext) -> int | str:
    """A place chosen with the buttons: remember it, then ask about the news (the menu follows the answer)."""
    slug = await place_from_callback(update, context)
    if slug is None:
        return START_PLACE
    name = remember_place(context, update.effective_user.id, slug)
    if name is None:
        return START_PLACE
    await update.callback_query.edit_message_text("📍 " + context._("Dank u. U woont in {place}.").format(place=name))
    await ask_news_then_menu(update, context)
    return ConversationHandler.END


async def type_start_place(update: Update, context: BotContext) -> int | str:
    """A place typed by name (or "weet ik niet"): remember it, then ask about the news."""
    if is_dont_know(update.effective_message.text):
        await update.effective_chat.send_message(context._("Geen probleem. Dat vragen wij later nog eens."))
        await show_menu(update, context)
        return ConversationHandler.END
    slug = place_from_text(context, update.effective_message.text)
    name = remember_place(context, update.effective_user.id, slug) if slug else None
    _ = context._
    if name is None:
        await update.effective_chat.send_message(_("Die plaats ken ik niet. Kies hieronder uw gemeente."))
        await ask_place(update, context)
        return START_PLACE
    await update.effective_chat.send_message("📍 " + _("Dank u. U woont in {place}.").format(place=name))
    await ask_news_then_menu(update, context)
    return ConversationHandler.END


async def stop(update: Update, context: BotContext) -> int:
    """`/stop` and `/annuleer`: leave whatever we were doing."""
    context.user_data.clear()
    await update.effective_chat.send_message(
        "👍 " + context._("Gestopt. Typ gerust een nieuwe vraag als u iets nodig heeft."),
        reply_markup=ReplyKeyboardRemove(),
    )
    return ConversationHandler.END


async def nudge(update: Update, context: BotContext) -> None:
    """Something we did not expect in the middle of a question: say how to go on."""
    if update.callback_query:
        await update.callback_query.answer(context._("Deze knop werkt niet meer."))
        return
    await update.effective_chat.send_message(
        context._("Kies een van de knoppen hierboven. Of typ /stop om te stoppen.")
    )
