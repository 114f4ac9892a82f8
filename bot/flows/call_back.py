""" "Bel mij terug" / "Ik weet het niet": share a phone number, pick a part of the day, done."""

from __future__ import annotations

import re

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.flows.keyboards import button_rows
from bot.flows.states import CALLBACK_PHONE, CALLBACK_TIME
from bot.services.call_backs import PARTS_OF_DAY, request_call_back
from db.models import User

PHONE = re.compile(r"^\+?[\d\s().-]{9,20}$")
PHONE_KEY = "call_back_phone"


async def ask_phone(update: Update, context: BotContext) -> str:
    """Offer Telegram's share-contact button (a typed number works too)."""
    _ = context._
    if update.callback_query:
        await update.callback_query.answer()
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("📞 " + _("Deel mijn nummer"), request_contact=True)], ["❌ " + _("Stoppen")]],
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
    if message.contact and message.contact.user_id == update.effective_user.id:
        phone = message.contact.phone_number
    elif message.text and PHONE.match(message.text.strip()):
        phone = message.text.strip()
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
    """Store the call-back and tell the resident when to expect the call."""
    query = update.callback_query
    await query.answer()
    part = query.data.removeprefix("call:")
    phone = context.user_data.get(PHONE_KEY)
    if part not in PARTS_OF_DAY or phone is None:
        return CALLBACK_TIME
    _ = context._
    runtime = context.runtime
    reason = context.user_data.pop("draft", {}).get("details", "")
    with context.session() as session:
        user = session.get(User, update.effective_user.id)
        _item, day = request_call_back(
            session,
            user=user,
            phone=phone,
            part=part,
            now=runtime.clock.now(),
            settings=runtime.settings,
            reason=reason,
        )
    context.user_data.pop(PHONE_KEY, None)
    text = _("Wij bellen u op {day} {part}. U hoeft verder niets te doen.").format(
        day=_.day(day), part=_(PARTS_OF_DAY[part][0])
    )
    await query.edit_message_text("📞 " + text)
    return ConversationHandler.END
