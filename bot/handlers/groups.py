"""Groups: the bot introduces itself when added; `/koppel` links a group to a neighbourhood.

Groups read the bot in the default language; the small answer to a pressed button is in the presser's own.
"""

from __future__ import annotations

from html import escape

from telegram import ChatMember

from bot.buttons import LinkMunicipality, LinkPlace
from bot.flows.gates import refuse
from bot.flows.turn import GROUPS, Turn
from bot.render.keyboards import button_rows
from bot.services.access import coordinates_any
from bot.services.group_links import (
    LinkOutcome,
    areas_to_link,
    bot_may_invite,
    link_group_as,
    municipalities_to_link,
    record_bot_rights,
)
from bot.services.introductions import first_introduction, may_refuse_in_group

PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def bot_added(turn: Turn) -> None:
    """The bot's membership changed: remember its rights; when just added, explain `/koppel` (once per group)."""
    change = turn.update.my_chat_member
    if change.chat.type not in GROUPS:
        return
    member = change.new_chat_member
    can_invite = member.status == ChatMember.OWNER or bool(getattr(member, "can_invite_users", False))
    record_bot_rights(turn.session, chat_id=change.chat.id, can_invite=can_invite, now=turn.now)
    was_in = change.old_chat_member.status in PRESENT
    if was_in or member.status not in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR):
        return
    _ = turn.group_translator()
    # A coordinator is told how to go on each time; anyone else hears the hello once per group.
    if coordinates_any(turn.session, turn.user_id):
        turn.say(_("Hallo! Typ /koppel om deze groep aan een wijk te koppelen."))
    elif first_introduction(turn.session, chat_id=change.chat.id, now=turn.now):
        hello = _(
            "Hallo! Ik help buren elkaar te helpen. Een coördinator moet mij eerst aan een wijk koppelen met /koppel."
        )
        turn.say(hello)


def link_command(turn: Turn) -> None:
    """`/koppel` in a group: coordinators choose the municipality; anyone else is told once a while."""
    _ = turn.group_translator()
    places = municipalities_to_link(turn.session, user_id=turn.user_id)
    if places:
        options = [(place.name, LinkMunicipality(place.slug)) for place in places]
        turn.say("🔗 " + _("Aan welke gemeente hoort deze groep?"), button_rows(options, per_row=2))
    elif may_refuse_in_group(turn.session, chat_id=turn.chat_id, user_id=turn.user_id, now=turn.now):
        turn.say(_("Sorry, dat mag u niet. Een coördinator koppelt de groep aan een wijk."))


def choose_municipality(turn: Turn, button: LinkMunicipality) -> None:
    """`/koppel`: a municipality chosen; its kernen and wijken follow (checked again on every press)."""
    areas = areas_to_link(turn.session, user_id=turn.user_id, municipality_slug=button.municipality)
    if areas is None:
        refuse(turn)
        return
    _ = turn.group_translator()
    options = [(area.name, LinkPlace(area.slug)) for area in areas]
    turn.edit("🔗 " + _("Welke wijk of welk dorp hoort bij deze groep?"), button_rows(options, per_row=2))


def link_place(turn: Turn, button: LinkPlace) -> None:
    """`/koppel`: the neighbourhood chosen; the group is linked (checked again on every press)."""
    chat = turn.update.effective_chat
    linked = link_group_as(
        turn.session,
        user_id=turn.user_id,
        chat_id=chat.id,
        title=chat.title or "",
        neighbourhood_slug=button.place,
        now=turn.now,
    )
    if linked.outcome is not LinkOutcome.LINKED:
        refuse(turn)
        return
    _ = turn.group_translator()
    text = "✅ " + _("Deze groep is gekoppeld aan {place}. Nieuwe vragen uit {place} komen hier.").format(
        place=escape(linked.place_name)
    )
    if not bot_may_invite(turn.session, chat_id=chat.id):
        text += "\n\n⚠️ " + _("Maak mij beheerder van deze groep. Geef mij het recht om leden uit te nodigen.")
    turn.edit(text)
