"""`/inbox`: a coordinator's open items, each with its buttons (`ibx:<item id>:<action>`)."""

from __future__ import annotations

import re
from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.flows.keyboards import button_rows
from bot.handlers.coordinators import refuse, require_coordinator
from bot.i18n import Translator
from bot.services.inbox import (
    REFERRAL_ROUTES,
    InboxOutcome,
    add_note,
    assign_item,
    close_item,
    item_for,
    open_items,
    refer_item,
    render_item,
    volunteers_for,
)
from db.models import InboxItem, User

INBOX_ACTION = re.compile(r"^ibx:(\d{1,12}):(assign|refer|close|back|to|ref)(?::([a-z0-9]{1,20}))?$")
INBOX_NOTE_BUTTON = r"^ibx:\d{1,12}:note$"
INBOX_NOTE = "inbox_note"
NOTE_ITEM = "inbox_note_item"


def item_markup(item: InboxItem, _: Translator) -> InlineKeyboardMarkup:
    """The actions on one open item."""
    options = []
    if item.request_id is not None:
        options.append(("🙋 " + _("Vrijwilliger kiezen"), f"ibx:{item.id}:assign"))
    options += [
        ("📨 " + _("Doorverwijzen"), f"ibx:{item.id}:refer"),
        ("📝 " + _("Notitie"), f"ibx:{item.id}:note"),
        ("✅ " + _("Sluiten"), f"ibx:{item.id}:close"),
    ]
    return button_rows(options, per_row=2)


async def show_inbox(update: Update, context: BotContext) -> None:
    """`/inbox`: the open items of the coordinator's municipality, most urgent first."""
    if await require_coordinator(update, context) is None:
        return
    _ = context._
    now = context.runtime.clock.now()
    with context.session() as session:
        items = open_items(session, coordinator_id=update.effective_user.id)
        cards = [(render_item(session, item, now, _), item_markup(item, _)) for item in items]
    if not cards:
        await update.effective_chat.send_message("📭 " + _("Uw inbox is leeg. Er is niets te doen."))
        return
    await update.effective_chat.send_message(
        "📥 " + _("Inbox: het meest dringende eerst.") + " " + _("Kies bij elk bericht wat u doet.")
    )
    for text, markup in cards:
        await update.effective_chat.send_message(text, reply_markup=markup)


async def inbox_action(update: Update, context: BotContext) -> None:
    """A button under an item; the role and municipality are checked again at every press."""
    query = update.callback_query
    found = INBOX_ACTION.match(query.data)
    item_id, action, value = int(found.group(1)), found.group(2), found.group(3)
    user_id = update.effective_user.id
    _ = context._
    runtime = context.runtime
    now = runtime.clock.now()
    with context.session() as session:
        item = item_for(session, item_id=item_id, coordinator_id=user_id)
        if item is None:
            await refuse(update, context)
            return
        if action in ("assign", "refer", "back"):
            markup = _choices(session, item, action, user_id, _)
            if markup is None:
                await query.answer(_("Er zijn geen vrijwilligers voor deze wijk."), show_alert=True)
                return
            await query.answer()
            await _edit_markup(query, markup)
            return
        if action == "to" and value and value.isdigit():
            volunteer = session.get(User, int(value))
            outcome = assign_item(
                session,
                item_id=item_id,
                coordinator_id=user_id,
                volunteer_id=int(value),
                now=now,
                settings=runtime.settings,
            )
            done = "🙋 " + _("{name} krijgt de vraag. Zij krijgen nu allebei een bericht.").format(
                name=escape(volunteer.first_name if volunteer else value)
            )
        elif action == "ref" and value in REFERRAL_ROUTES:
            outcome = refer_item(
                session, item_id=item_id, coordinator_id=user_id, route=value, now=now, settings=runtime.settings
            )
            done = "📨 " + _("Doorverwezen naar: {route}").format(route=escape(_(REFERRAL_ROUTES[value])))
        elif action == "close":
            outcome = close_item(session, item_id=item_id, coordinator_id=user_id, now=now)
            done = "✅ " + _("Gesloten.")
        else:
            await query.answer()
            return
        text = render_item(session, session.get(InboxItem, item_id), now, _)
    if outcome is not InboxOutcome.DONE:
        await query.answer(_outcome_text(outcome, _), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(text + "\n\n" + done, reply_markup=None)


def _choices(session, item: InboxItem, action: str, user_id: int, _: Translator) -> InlineKeyboardMarkup | None:
    back = ("↩️ " + _("Terug"), f"ibx:{item.id}:back")
    if action == "back":
        return item_markup(item, _)
    if action == "refer":
        options = [(_(label), f"ibx:{item.id}:ref:{route}") for route, label in REFERRAL_ROUTES.items()]
        return button_rows([*options, back], per_row=2)
    volunteers = volunteers_for(session, item_id=item.id, coordinator_id=user_id)
    if not volunteers:
        return None
    options = [(v.first_name or str(v.id), f"ibx:{item.id}:to:{v.id}") for v in volunteers[:10]]
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
    with context.session() as session:
        allowed = item_for(session, item_id=item_id, coordinator_id=update.effective_user.id) is not None
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
    with context.session() as session:
        outcome = add_note(
            session,
            item_id=item_id,
            coordinator_id=update.effective_user.id,
            text=update.effective_message.text,
            now=context.runtime.clock.now(),
        )
    if outcome is not InboxOutcome.DONE:
        await refuse(update, context)
        return ConversationHandler.END
    await update.effective_chat.send_message("📝 " + _("Notitie bewaard bij #{id}.").format(id=item_id))
    return ConversationHandler.END
