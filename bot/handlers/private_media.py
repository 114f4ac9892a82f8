"""Other kinds of messages in a private chat: voice and photos, a shared location, stickers."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.flows.help_request import next_question
from bot.flows.menu import ask_news_then_menu, show_menu
from bot.flows.place_picker import remember_place
from bot.flows.states import ASK_PLACE, START_PLACE
from bot.render.keyboards import button_rows
from bot.services.media import forward_to_inbox
from bot.services.places import nearest_neighbourhood
from db.models import InboxKind

LOCATION_CALLBACK = r"^loc:[a-z0-9-]{1,60}$"
MEDIA_KINDS = (InboxKind.VOICE, InboxKind.PHOTO, InboxKind.VIDEO, InboxKind.AUDIO, InboxKind.DOCUMENT)


async def forward_media(update: Update, context: BotContext) -> None:
    """A voice message or photo: a coordinator gets it and calls back."""
    message = update.effective_message
    kind = next((kind for kind in MEDIA_KINDS if getattr(message, kind, None)), InboxKind.VOICE)
    runtime = context.runtime
    with context.unit_of_work() as uow:
        forward_to_inbox(
            uow.session,
            user_id=update.effective_user.id,
            kind=kind,
            chat_id=message.chat_id,
            message_id=message.message_id,
            now=runtime.clock.now(),
        )
        uow.commit()
    _ = context._
    await message.reply_text(
        "🙏 " + _("Dank u. Een medewerker luistert of kijkt ernaar. We bellen u terug."),
        reply_markup=button_rows([("📞 " + _("Bel mij terug"), "menu:callme")]),
    )


async def suggest_place(update: Update, context: BotContext) -> None:
    """A shared location: suggest the nearest neighbourhood, to confirm with one button."""
    location = update.effective_message.location
    _ = context._
    with context.unit_of_work() as uow:
        place = nearest_neighbourhood(uow.session, location.latitude, location.longitude)
    if place is None:
        await update.effective_message.reply_text(
            _("Deze plek ligt niet in Parkstad. Typ de naam van uw wijk of dorp.")
        )
        return
    options = [("✅ " + _("Ja"), f"loc:{place.slug}"), ("🏘️ " + _("Nee, iets anders"), "menu:place")]
    await update.effective_message.reply_text(
        "📍 " + _("Woont u in {place}?").format(place=escape(place.name)), reply_markup=button_rows(options, per_row=2)
    )


async def confirm_place(update: Update, context: BotContext) -> None:
    """The "Ja" under a suggested neighbourhood, outside the questions about a place."""
    if await _remember_location(update, context):
        await show_menu(update, context)


async def confirm_start_place(update: Update, context: BotContext) -> int | str:
    """The "Ja" while /start asks the neighbourhood: remember it, then ask about the news."""
    if not await _remember_location(update, context):
        return START_PLACE
    await ask_news_then_menu(update, context)
    return ConversationHandler.END


async def confirm_request_place(update: Update, context: BotContext) -> str:
    """The "Ja" while a help request asks the neighbourhood: remember it, then the next question."""
    if not await _remember_location(update, context):
        return ASK_PLACE
    return await next_question(update, context)


async def _remember_location(update: Update, context: BotContext) -> bool:
    """Answer the press and store the suggested neighbourhood; False for an unknown one."""
    query = update.callback_query
    await query.answer()
    name = remember_place(context, update.effective_user.id, query.data.removeprefix("loc:"))
    if name is None:
        return False
    await query.edit_message_text("📍 " + context._("Dank u. U woont in {place}.").format(place=escape(name)))
    return True


async def sticker(update: Update, context: BotContext) -> None:
    """Stickers get a friendly nudge towards what the bot can do."""
    await update.effective_message.reply_text("😊 " + context._("Leuk! Typ gerust wat u nodig heeft."))
    await show_menu(update, context)
