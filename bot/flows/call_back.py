""" "Bel mij terug" / "Ik weet het niet": share a phone number, pick a part of the day, done."""

from __future__ import annotations

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.flows.states import CALLBACK_PHONE, CALLBACK_TIME
from bot.flows.welcome import stop
from bot.render.call_backs import PART_LABELS
from bot.render.keyboards import button_rows
from bot.services.call_backs import PARTS_OF_DAY, request_call_back
from bot.understanding import PHONE_NUMBER, is_dont_know, is_no

PHONE_KEY = "call_back_phone"


def _stop_label(context: BotContext) -> str:
    return "❌ " + context._("Stoppen")


async def ask_phone(update: Update, context: BotContext) -> str:
    """Offer Telegram's share-contact button (a typed number works too)."""
    _ = context._
    if update.callback_query:
        await update.callback_query.answer()
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("📞 " + _("Deel mijn nummer"), request_contact=True)], [_stop_label(context)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await update.effective_chat.send_message(
        "📞 " + _("Geen probleem. Wij bellen u graag terug. Druk op de knop om uw nummer te delen."),
        reply_markup=keyboard,
    )
    return CALLBACK_PHONE


async def receive_phone(update: Update, context: BotContext) -> str:
    """A shared contact (only the user's own) or a typed number."""
    message = update.effective_message
    _ = context._
    if message.text and message.text.strip() in (_stop_label(context), _("Stoppen")):
        return await stop(update, context)
    if message.contact and message.contact.user_id == update.effective_user.id:
        phone = message.contact.phone_number
    elif message.text and PHONE_NUMBER.match(message.text.strip()):
        phone = message.text.strip()
    elif message.text and (is_dont_know(message.text) or is_no(message.text)):
        phone = ""  # We can still write to them here in Telegram.
    else:
        await message.reply_text(_("Druk op de knop 'Deel mijn nummer', of typ uw telefoonnummer."))
        return CALLBACK_PHONE
    context.user_data[PHONE_KEY] = phone
    await message.reply_text("✅ " + _("Dank u."), reply_markup=ReplyKeyboardRemove())
    options = [("🌅 " + _("Ochtend"), "call:morning"), ("🌇 " + _("Middag"), "call:afternoon")]
    await update.effective_chat.send_message(
        _("Wanneer kunnen wij u het beste bellen?"), reply_markup=button_rows(options, per_row=2)
    )
    return CALLBACK_TIME


async def choose_time(update: Update, context: BotContext) -> int | str:
    """A morning/afternoon button."""
    query = update.callback_query
    await query.answer()
    part = query.data.removeprefix("call:")
    if part not in PARTS_OF_DAY or PHONE_KEY not in context.user_data:
        return CALLBACK_TIME
    return await finish(update, context, part)


async def type_time(update: Update, context: BotContext) -> int | str:
    """A typed answer to "when can we call": morning, afternoon, or anything else means any time."""
    text = update.effective_message.text.lower()
    _ = context._
    part = "any"
    if _("Ochtend").lower() in text or "morning" in text:
        part = "morning"
    elif _("Middag").lower() in text or "afternoon" in text:
        part = "afternoon"
    return await finish(update, context, part)


async def finish(update: Update, context: BotContext, part: str) -> int:
    """Store the call-back and tell the resident when to expect it."""
    phone = context.user_data.get(PHONE_KEY) or None
    _ = context._
    runtime = context.runtime
    reason = context.user_data.pop("draft", {}).get("details", "")
    with context.unit_of_work() as uow:
        day = request_call_back(
            uow.session,
            user_id=update.effective_user.id,
            phone=phone,
            part=part,
            now=runtime.clock.now(),
            settings=runtime.settings,
            reason=reason,
        )
        uow.commit()
    context.user_data.pop(PHONE_KEY, None)
    if phone is None:
        text = _("Een coördinator stuurt u op {day} een bericht, hier in Telegram.")
    elif part == "any":
        text = _("Wij bellen u op {day}.")
    else:
        text = _("Wij bellen u op {day} {part}.")
    text = text.format(day=_.day(day), part=_(PART_LABELS[part])) + " " + _("U hoeft verder niets te doen.")
    await update.effective_chat.send_message("📞 " + text)
    return ConversationHandler.END
