"""Groups: `/koppel` links a group to a neighbourhood; the bot introduces itself when added."""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.context import BotContext
from bot.flows.keyboards import button_rows
from bot.services.introductions import first_introduction
from bot.services.people import is_coordinator
from bot.services.places import areas_of, link_group_to, linked_neighbourhoods, municipalities
from db.models import Coordinator, Neighbourhood

log = logging.getLogger(__name__)
LINK_CALLBACKS = r"^(lnkm|lnk):[a-z0-9-]{1,60}$"


async def link_command(update: Update, context: BotContext) -> None:
    """`/koppel` in a group: coordinators choose the neighbourhood; anyone else is politely refused."""
    _ = context._
    user = update.effective_user
    with context.session() as session:
        coordinator = session.get(Coordinator, user.id)
        linked = bool(linked_neighbourhoods(session, update.effective_chat.id))
        options = [
            (place.name, f"lnkm:{place.slug}")
            for place in municipalities(session)
            if coordinator and coordinator.municipality_slug in (None, place.slug)
        ]
    if not options:
        # In a group that is not linked the bot speaks once: its hello when added, or this refusal.
        if linked or await _first_word_here(context, update.effective_chat.id):
            await update.effective_message.reply_text(
                _("Sorry, dat mag u niet. Een coördinator koppelt de groep aan een wijk.")
            )
        return
    await update.effective_message.reply_text(
        "🔗 " + _("Aan welke gemeente hoort deze groep?"), reply_markup=button_rows(options, per_row=2)
    )


async def _first_word_here(context: BotContext, chat_id: int) -> bool:
    with context.session() as session:
        return first_introduction(session, chat_id=chat_id, now=context.runtime.clock.now())


async def link_callback(update: Update, context: BotContext) -> None:
    """A municipality or neighbourhood button of `/koppel`; checked again on every press."""
    query = update.callback_query
    kind, slug = query.data.split(":", 1)
    _ = context._
    now = context.runtime.clock.now()
    chat = update.effective_chat
    with context.session() as session:
        municipality = slug if kind == "lnkm" else getattr(session.get(Neighbourhood, slug), "municipality_slug", None)
        if municipality is None or not is_coordinator(session, update.effective_user.id, municipality):
            await query.answer(_("Sorry, dat mag u niet. Dat doet de coördinator van deze gemeente."), show_alert=True)
            return
        await query.answer()
        if kind == "lnkm":
            options = [(area.name, f"lnk:{area.slug}") for area in areas_of(session, slug)]
            await query.edit_message_text(
                "🔗 " + _("Welke wijk of welk dorp hoort bij deze groep?"),
                reply_markup=button_rows(options, per_row=2),
            )
            return
        name = link_group_to(
            session,
            chat_id=chat.id,
            title=chat.title or "",
            neighbourhood_slug=slug,
            linked_by=update.effective_user.id,
            now=now,
        )
    text = "✅ " + _("Deze groep is gekoppeld aan {place}. Nieuwe vragen uit {place} komen hier.").format(place=name)
    if not await _bot_can_manage_members(context, chat.id):
        text += "\n\n⚠️ " + _("Maak mij beheerder van deze groep. Geef mij het recht om leden uit te nodigen.")
    await query.edit_message_text(text)


async def _bot_can_manage_members(context: BotContext, chat_id: int) -> bool:
    try:
        member = await context.bot.get_chat_member(chat_id, context.bot.id)
    except TelegramError as error:
        log.warning("could not read the bot's rights in chat %s: %s", chat_id, type(error).__name__)
        return False
    return member.status == ChatMember.OWNER or bool(getattr(member, "can_invite_users", False))


async def bot_added(update: Update, context: BotContext) -> None:
    """Added to a group: explain `/koppel` to a coordinator, or say once per group that a coordinator is needed."""
    change: ChatMemberUpdated = update.my_chat_member
    was_in = change.old_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)
    is_in = change.new_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR)
    if was_in or not is_in or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    _ = context.group_translator()
    with context.session() as session:
        by_coordinator = is_coordinator(session, change.from_user.id)
        # A coordinator is told how to go on each time; anyone else hears the hello once per group.
        first_time = first_introduction(session, chat_id=change.chat.id, now=context.runtime.clock.now())
    if by_coordinator:
        text = _("Hallo! Typ /koppel om deze groep aan een wijk te koppelen.")
    elif first_time:
        text = _(
            "Hallo! Ik help buren elkaar te helpen. Een coördinator moet mij eerst aan een wijk koppelen met /koppel."
        )
    else:
        return
    await context.bot.send_message(change.chat.id, text)
