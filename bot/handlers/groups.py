"""Groups: `/koppel` links a group to a neighbourhood; the bot introduces itself when added."""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.context import BotContext
from bot.render.keyboards import button_rows
from bot.services.access import coordinates_any
from bot.services.group_links import LinkOutcome, areas_to_link, link_group_as, municipalities_to_link
from bot.services.introductions import first_introduction
from bot.services.places import is_linked

log = logging.getLogger(__name__)
LINK_CALLBACKS = r"^(lnkm|lnk):[a-z0-9-]{1,60}$"


async def link_command(update: Update, context: BotContext) -> None:
    """`/koppel` in a group: coordinators choose the neighbourhood; anyone else is politely refused."""
    _ = context._
    chat_id = update.effective_chat.id
    with context.unit_of_work() as uow:
        options = [
            (place.name, f"lnkm:{place.slug}")
            for place in municipalities_to_link(uow.session, user_id=update.effective_user.id)
        ]
        # In a group that is not linked the bot speaks once: its hello when added, or this refusal.
        may_speak = bool(options) or is_linked(uow.session, chat_id)
        if not may_speak:
            may_speak = first_introduction(uow.session, chat_id=chat_id, now=context.runtime.clock.now())
        uow.commit()
    if not options:
        if may_speak:
            await update.effective_message.reply_text(
                _("Sorry, dat mag u niet. Een coördinator koppelt de groep aan een wijk.")
            )
        return
    await update.effective_message.reply_text(
        "🔗 " + _("Aan welke gemeente hoort deze groep?"), reply_markup=button_rows(options, per_row=2)
    )


async def link_callback(update: Update, context: BotContext) -> None:
    """A municipality or neighbourhood button of `/koppel`; checked again on every press."""
    query = update.callback_query
    kind, slug = query.data.split(":", 1)
    _ = context._
    chat = update.effective_chat
    user_id = update.effective_user.id
    with context.unit_of_work() as uow:
        if kind == "lnkm":
            areas = areas_to_link(uow.session, user_id=user_id, municipality_slug=slug)
            linked = None
        else:
            areas = None
            linked = link_group_as(
                uow.session,
                user_id=user_id,
                chat_id=chat.id,
                title=chat.title or "",
                neighbourhood_slug=slug,
                now=context.runtime.clock.now(),
            )
            uow.commit()
    if areas is None and (linked is None or linked.outcome is not LinkOutcome.LINKED):
        await query.answer(_("Sorry, dat mag u niet. Dat doet de coördinator van deze gemeente."), show_alert=True)
        return
    await query.answer()
    if areas is not None:
        options = [(area.name, f"lnk:{area.slug}") for area in areas]
        await query.edit_message_text(
            "🔗 " + _("Welke wijk of welk dorp hoort bij deze groep?"), reply_markup=button_rows(options, per_row=2)
        )
        return
    text = "✅ " + _("Deze groep is gekoppeld aan {place}. Nieuwe vragen uit {place} komen hier.").format(
        place=linked.place_name
    )
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
    with context.unit_of_work() as uow:
        by_coordinator = coordinates_any(uow.session, change.from_user.id)
        # A coordinator is told how to go on each time; anyone else hears the hello once per group.
        first_time = first_introduction(uow.session, chat_id=change.chat.id, now=context.runtime.clock.now())
        uow.commit()
    if by_coordinator:
        text = _("Hallo! Typ /koppel om deze groep aan een wijk te koppelen.")
    elif first_time:
        text = _(
            "Hallo! Ik help buren elkaar te helpen. Een coördinator moet mij eerst aan een wijk koppelen met /koppel."
        )
    else:
        return
    await context.bot.send_message(change.chat.id, text)
