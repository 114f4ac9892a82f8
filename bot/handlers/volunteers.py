"""Coordinators approve or reject volunteers; volunteers see, pause or stop their offer (`/aanbod`)."""

from __future__ import annotations

import logging
import re
from html import escape

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.i18n import N_
from bot.render.keyboards import button_rows
from bot.render.volunteers import offer_text
from bot.services.volunteers import (
    Decision,
    decide_volunteer,
    offer_of,
    pending_volunteer,
    set_paused,
    stop_volunteering,
)
from db.models import VolunteerStatus

log = logging.getLogger(__name__)
DECIDE = re.compile(r"^vol:(\d{1,15}):(ok|no)$")
OFFER = re.compile(r"^offer:(pause|resume|stop|stopyes)$")
INVITE_NAME = "vrijwilliger {id}"
STATUS_LABELS = {
    VolunteerStatus.PENDING: N_("Wacht op een coördinator"),
    VolunteerStatus.APPROVED: N_("Actief"),
    VolunteerStatus.PAUSED: N_("Gepauzeerd"),
    VolunteerStatus.REJECTED: N_("Niet goedgekeurd"),
    VolunteerStatus.STOPPED: N_("Gestopt"),
}


async def decide(update: Update, context: BotContext) -> None:
    """Approve/reject buttons; authorised on every press. On approval, invite links that need our yes."""
    query = update.callback_query
    found = DECIDE.match(query.data)
    volunteer_id, approve = int(found.group(1)), found.group(2) == "ok"
    coordinator_id = update.effective_user.id
    runtime = context.runtime
    _ = context._
    with context.unit_of_work() as uow:
        pending = pending_volunteer(uow.session, volunteer_id=volunteer_id, coordinator_id=coordinator_id)
    if pending.decision is not Decision.DECIDED:
        text = (
            _("Sorry, dat mag u niet. Dat doet de coördinator van deze gemeente.")
            if pending.decision is Decision.NOT_ALLOWED
            else _("Dit is al beslist.")
        )
        await query.answer(text, show_alert=True)
        return
    chats = pending.group_chat_ids if approve else ()
    # The coordinator's action: the links are made now, so the message with them is queued with the decision.
    links, failed = [], 0
    for chat_id in chats:
        try:
            link = await context.bot.create_chat_invite_link(
                chat_id, name=INVITE_NAME.format(id=volunteer_id), creates_join_request=True
            )
            links.append(link.invite_link)
        except TelegramError as error:
            failed += 1
            log.warning("no invite link for chat %s: %s", chat_id, type(error).__name__)
    with context.unit_of_work() as uow:
        decided = decide_volunteer(
            uow.session,
            volunteer_id=volunteer_id,
            coordinator_id=coordinator_id,
            approve=approve,
            invite_links=links,
            now=runtime.clock.now(),
        )
        uow.commit()
    if decided is not Decision.DECIDED:
        await query.answer(_("Dit is al beslist."), show_alert=True)
        return
    await query.answer()
    outcome = "✅ " + _("Goedgekeurd door {name}") if approve else "❌ " + _("Afgewezen door {name}")
    text = query.message.text_html + "\n\n" + outcome.format(name=escape(update.effective_user.first_name))
    if failed:
        text += "\n⚠️ " + _(
            "Ik kon geen uitnodiging maken. Maak mij beheerder van de groep, met het recht om leden uit te nodigen."
        )
    await query.edit_message_text(text, reply_markup=None)


async def show_offer(update: Update, context: BotContext) -> None:
    """`/aanbod`: what the volunteer offers, with buttons to change, pause or stop."""
    _ = context._
    with context.unit_of_work() as uow:
        offer = offer_of(uow.session, update.effective_user.id)
    if offer is None or offer.status in (VolunteerStatus.STOPPED, VolunteerStatus.REJECTED):
        await update.effective_chat.send_message(_("U bent nog geen vrijwilliger. Wilt u helpen? Typ dan /aanbieden."))
        return
    text = "\n".join(["🤝 <b>" + _("Uw aanbod") + "</b> · " + _(STATUS_LABELS[offer.status]), offer_text(offer, _)])
    options = [("✏️ " + _("Wijzigen"), "offer:edit")]
    if offer.status == VolunteerStatus.APPROVED:
        options.append(("⏸️ " + _("Even pauzeren"), "offer:pause"))
    if offer.status == VolunteerStatus.PAUSED:
        options.append(("▶️ " + _("Weer beschikbaar"), "offer:resume"))
    options.append(("🛑 " + _("Stoppen als vrijwilliger"), "offer:stop"))
    await update.effective_chat.send_message(text, reply_markup=button_rows(options))


async def change_offer(update: Update, context: BotContext) -> None:
    """Pause, resume or stop (stopping asks once more)."""
    query = update.callback_query
    action = OFFER.match(query.data).group(1)
    user_id = update.effective_user.id
    runtime = context.runtime
    _ = context._
    if action == "stop":
        await query.answer()
        options = [("🛑 " + _("Ja, ik stop"), "offer:stopyes")]
        await query.edit_message_text(
            _("Weet u het zeker? U krijgt dan geen vragen meer."), reply_markup=button_rows(options)
        )
        return
    with context.unit_of_work() as uow:
        if action == "stopyes":
            done = stop_volunteering(uow.session, user_id=user_id, now=runtime.clock.now(), settings=runtime.settings)
            text = _("U bent gestopt als vrijwilliger. Dank u wel voor al uw hulp!")
        else:
            done = set_paused(uow.session, user_id=user_id, paused=action == "pause")
            text = (
                _("Uw aanbod staat op pauze. U kunt nu geen vragen aannemen. Weer beginnen? Typ /aanbod.")
                if action == "pause"
                else _("Welkom terug! U kunt weer vragen aannemen.")
            )
        uow.commit()
    if not done:
        await query.answer(_("Dat kan nu niet."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text("👍 " + text, reply_markup=None)
