"""`/inbox`: a coordinator's open items, each with its buttons (`ibx:<item id>:<action>`)."""

from __future__ import annotations

import re
from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.flows.gates import refuse, require_coordinator
from bot.i18n import Translator
from bot.render.inbox import item_markup, render_item
from bot.render.keyboards import button_rows
from bot.render.referrals import REFERRAL_LABELS
from bot.services.inbox import (
    REFERRAL_ROUTES,
    InboxOutcome,
    ItemView,
    add_note,
    assign_item,
    close_item,
    item_for,
    open_items,
    refer_item,
    volunteers_for,
)
from bot.services.views import contact_of

INBOX_ACTION = re.compile(r"^ibx:(\d{1,12}):(assign|refer|close|back|to|ref)(?::([a-z0-9]{1,20}))?$")
INBOX_NOTE_BUTTON = r"^ibx:\d{1,12}:note$"
INBOX_NOTE = "inbox_note"
NOTE_ITEM = "inbox_note_item"


async def show_inbox(update: Update, context: BotContext) -> None:
    """`/inbox`: the open items of the coordinator's municipality, most urgent first."""
    if await require_coordinator(update, context) is None:
        return
    _ = context._
    now = context.runtime.clock.now()
    with context.unit_of_work() as uow:
        items = open_items(uow.session, coordinator_id=update.effective_user.id)
    if not items:
        await update.effective_chat.send_message("📭 " + _("Uw inbox is leeg. Er is niets te doen."))
        return
    await update.effective_chat.send_message(
        "📥 " + _("Inbox: het meest dringende eerst.") + " " + _("Kies bij elk bericht wat u doet.")
    )
    for item in items:
        await update.effective_chat.send_message(render_item(item, now, _), reply_markup=item_markup(item, _))


async def inbox_action(update: Update, context: BotContext) -> None:
    """A button under an item; the role and municipality are checked again at every press."""
    query = update.callback_query
    found = INBOX_ACTION.match(query.data)
    item_id, action, value = int(found.group(1)), found.group(2), found.group(3)
    user_id = update.effective_user.id
    _ = context._
    runtime = context.runtime
    now = runtime.clock.now()
    with context.unit_of_work() as uow:
        item = item_for(uow.session, item_id=item_id, coordinator_id=user_id)
        volunteers = volunteers_for(uow.session, item_id=item_id, coordinator_id=user_id) if action == "assign" else []
        outcome, volunteer = None, None
        if item is not None and action == "to" and value and value.isdigit():
            volunteer = contact_of(uow.session, int(value))
            outcome = assign_item(
                uow.session,
                item_id=item_id,
                coordinator_id=user_id,
                volunteer_id=int(value),
                now=now,
                settings=runtime.settings,
            )
        elif item is not None and action == "ref" and value in REFERRAL_ROUTES:
            outcome = refer_item(uow.session, item_id=item_id, coordinator_id=user_id, route=value, now=now)
        elif item is not None and action == "close":
            outcome = close_item(uow.session, item_id=item_id, coordinator_id=user_id, now=now)
        after = item_for(uow.session, item_id=item_id, coordinator_id=user_id) if outcome else None
        uow.commit()
    if item is None:
        await refuse(update, context)
        return
    if action in ("assign", "refer", "back"):
        markup = _choices(item, action, volunteers, _)
        if markup is None:
            await query.answer(_("Er zijn geen vrijwilligers voor deze wijk."), show_alert=True)
            return
        await query.answer()
        await _edit_markup(query, markup)
        return
    if outcome is None:
        await query.answer()
        return
    if outcome is not InboxOutcome.DONE:
        await query.answer(_outcome_text(outcome, _), show_alert=True)
        return
    if action == "to":
        done = "🙋 " + _("{name} krijgt de vraag. Zij krijgen nu allebei een bericht.").format(
            name=escape(volunteer.first_name if volunteer else value)
        )
    elif action == "ref":
        done = "📨 " + _("Doorverwezen naar: {route}").format(route=escape(_(REFERRAL_LABELS[value])))
    else:
        done = "✅ " + _("Gesloten.")
    await query.answer()
    await query.edit_message_text(render_item(after, now, _) + "\n\n" + done, reply_markup=None)


def _choices(item: ItemView, action: str, volunteers: list, _: Translator) -> InlineKeyboardMarkup | None:
    back = ("↩️ " + _("Terug"), f"ibx:{item.id}:back")
    if action == "back":
        return item_markup(item, _)
    if action == "refer":
        options = [(_(REFERRAL_LABELS[route]), f"ibx:{item.id}:ref:{route}") for route in REFERRAL_ROUTES]
        return button_rows([*options, back], per_row=2)
    if not volunteers:
        return None
    options = [(v.first_name or str(v.user_id), f"ibx:{item.id}:to:{v.user_id}") for v in volunteers]
    return button_rows([*options, back], per_row=2)


async def _edit_markup(query, markup: InlineKeyboardMarkup) -> None:
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


def _outcome_text(outcome: InboxOutcome, _: Translator) -> str:
    return {
        InboxOutcome.TAKEN: _("Iemand anders helpt al met deze vraag."),
        InboxOutcome.NOT_VOLUNTEER: _("Deze vrijwilliger kan niet helpen in deze wijk."),
        InboxOutcome.NO_REQUEST: _("Hier hoort geen hulpvraag bij."),
        InboxOutcome.NOT_ALLOWED: _("Sorry, dat mag u niet. Dat doet de coördinator van deze gemeente."),
    }.get(outcome, _("Dit bericht is al afgehandeld."))


async def ask_note(update: Update, context: BotContext) -> int | str:
    """The note button: the next text message is the note."""
    query = update.callback_query
    item_id = int(query.data.split(":")[1])
    with context.unit_of_work() as uow:
        allowed = item_for(uow.session, item_id=item_id, coordinator_id=update.effective_user.id) is not None
    if not allowed:
        await refuse(update, context)
        return ConversationHandler.END
    await query.answer()
    context.user_data[NOTE_ITEM] = item_id
    await update.effective_chat.send_message("📝 " + context._("Typ uw notitie bij #{id}.").format(id=item_id))
    return INBOX_NOTE


async def receive_note(update: Update, context: BotContext) -> int:
    """Store the note (the role is checked again)."""
    item_id = context.user_data.pop(NOTE_ITEM, None)
    _ = context._
    if item_id is None:
        return ConversationHandler.END
    with context.unit_of_work() as uow:
        outcome = add_note(
            uow.session,
            item_id=item_id,
            coordinator_id=update.effective_user.id,
            text=update.effective_message.text,
            now=context.runtime.clock.now(),
        )
        uow.commit()
    if outcome is not InboxOutcome.DONE:
        await refuse(update, context)
        return ConversationHandler.END
    await update.effective_chat.send_message("📝 " + _("Notitie bewaard bij #{id}.").format(id=item_id))
    return ConversationHandler.END
