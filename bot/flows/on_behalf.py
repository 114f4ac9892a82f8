"""Asking for someone else (a parent, a neighbour): their first name, and whether they agree."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.context import BotContext
from bot.flows.states import BEHALF_CONSENT, BEHALF_NAME
from bot.render.keyboards import button_rows

DRAFT = "draft"
PENDING_NAME = "behalf_name"
CONSENT_CALLBACKS = r"^behalf:(yes|no)$"
START_CALLBACK = r"^behalf:start$"


async def ask_name(update: Update, context: BotContext) -> str:
    """ "Voor iemand anders" at the summary: for whom is the help?"""
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    await update.effective_chat.send_message("👪 " + context._("Voor wie is de hulp? Typ de voornaam."))
    return BEHALF_NAME


async def type_name(update: Update, context: BotContext) -> str:
    name = " ".join(update.effective_message.text.split())[:100]
    _ = context._
    if not name:
        await update.effective_chat.send_message(_("Typ de voornaam van die persoon."))
        return BEHALF_NAME
    context.user_data[PENDING_NAME] = name
    options = [("✅ " + _("Ja, dat is goed"), "behalf:yes"), ("❌ " + _("Nee, nog niet"), "behalf:no")]
    await update.effective_chat.send_message(
        _("Weet {name} van deze vraag? En vindt {name} het goed?").format(name=escape(name)),
        reply_markup=button_rows(options, per_row=2),
    )
    return BEHALF_CONSENT


async def choose_consent(update: Update, context: BotContext) -> str:
    """With consent the name goes with the request; without it, nothing about that person is kept."""
    from bot.flows.help_request import ask_confirm

    query = update.callback_query
    await query.answer()
    _ = context._
    name = context.user_data.pop(PENDING_NAME, "")
    draft = context.user_data.setdefault(DRAFT, {})
    if query.data == "behalf:yes" and name:
        draft["on_behalf_name"] = name
        await query.edit_message_text("👪 " + _("Voor: {name}").format(name=escape(name)))
    else:
        draft.pop("on_behalf_name", None)
        await query.edit_message_text(
            _("Vraag het eerst aan {name}. Zonder toestemming zetten wij de naam er niet bij.").format(
                name=escape(name)
            )
        )
    return await ask_confirm(update, context)
